import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Button, Card, EmptyState, Input, Money, PageHeader, SortableTable, td } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { findPointsCustomer, recentAdjustments, type AdjustmentLine } from "@/lib/points/adjust-view";
import { AdjustForm } from "./adjust-form";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.points");
  return { title: t("metaTitle") };
}

const RECENT_LIMIT = 50;

function signed(n: number): string {
  return `${n > 0 ? "+" : ""}${n}`;
}

async function AdjustmentsTable({ rows, testId, showCustomer }: { rows: AdjustmentLine[]; testId: string; showCustomer: boolean }) {
  const [t, locale] = await Promise.all([getTranslations("operator.points"), getLocale()]);
  // The customer column is only in the list of everyone's adjustments: columns and values drop it together.
  const customer = <T,>(x: T): T[] => (showCustomer ? [x] : []);
  return (
    <SortableTable
      data-testid={testId}
      columns={[
        { label: t("cols.time") },
        ...customer({ label: t("cols.customer") }),
        { label: t("cols.points"), num: true },
        { label: t("cols.reason") },
        { label: t("cols.operator") },
      ]}
      rows={rows.map((a) => ({
        key: a.transactionId,
        values: [a.createdAt.getTime(), ...customer(a.customerName), a.points, a.reason, a.operatorName],
        row: (
          <tr>
            <td className={`${td} text-muted tabular-nums`}>{formatDateTime(a.createdAt, { locale })}</td>
            {showCustomer ? (
              <td className={`${td} max-w-[12rem] truncate`} title={`${a.customerName} (${a.username})`}>
                <span className="font-medium">{a.customerName}</span>
                <span className="ml-1.5 text-xs text-muted">{a.username}</span>
              </td>
            ) : null}
            <td className={`${td} text-right tabular-nums ${a.points > 0 ? "text-green-700" : "text-ink"}`}>{signed(a.points)}</td>
            <td className="min-w-[10rem] px-2 py-1.5">{a.reason}</td>
            <td className={`${td} max-w-[8rem] truncate text-muted`}>{a.operatorName ?? ""}</td>
          </tr>
        ),
      }))}
    />
  );
}

export default async function OperatorPointsPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const viewer = await requireViewer("operator", { next: "/operator/points" });
  const raw = (await searchParams).q;
  const q = (typeof raw === "string" ? raw : "").trim().slice(0, 64);
  const customer = q ? await findPointsCustomer(q) : null;
  const [recent, theirs] = await Promise.all([
    recentAdjustments({ limit: RECENT_LIMIT }),
    customer ? recentAdjustments({ userId: customer.userId, limit: 10 }) : Promise.resolve([]),
  ]);
  const t = await getTranslations("operator.points");

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <Card title={t("search")}>
        <form method="get" className="flex flex-wrap items-end gap-2" role="search">
          <div className="min-w-[14rem] flex-1 space-y-1.5">
            <label htmlFor="points-q" className="block text-sm font-medium text-ink">
              {t("searchLabel")}
            </label>
            <Input id="points-q" name="q" defaultValue={q} placeholder={t("searchPlaceholder")} autoComplete="off" />
          </div>
          <Button type="submit" variant="secondary">
            {t("searchButton")}
          </Button>
        </form>
      </Card>

      {q && !customer ? <EmptyState title={t("notFound", { q })} description={t("notFoundBody")} className="py-6" /> : null}

      {customer ? (
        <Card
          title={
            <span>
              {customer.displayName}
              <span className="ml-2 text-sm font-normal text-muted">
                {customer.username}
                {customer.phone && customer.phone !== customer.username ? ` · ${customer.phone}` : ""}
              </span>
            </span>
          }
          actions={<Badge>{t(`role.${customer.role}`)}</Badge>}
          data-testid="points-customer"
        >
          <dl className="mb-4 grid grid-cols-3 gap-3 text-sm">
            <div>
              <dt className="text-muted">{t("available")}</dt>
              <dd className="text-xl font-semibold tabular-nums" data-testid="customer-points-available">
                {customer.pointsAvailable}
              </dd>
            </div>
            <div>
              <dt className="text-muted">{t("locked")}</dt>
              <dd className="text-xl font-semibold tabular-nums">{customer.pointsLocked}</dd>
            </div>
            <div>
              <dt className="text-muted">{t("reserve")}</dt>
              <dd className="text-xl font-semibold">
                <Money fen={customer.reserveFen} />
              </dd>
            </div>
          </dl>
          {customer.userId === viewer.userId ? (
            <p className="rounded-xl bg-amber-50 px-3 py-2 text-sm text-amber-900">{t("self")}</p>
          ) : (
            <AdjustForm key={customer.userId} userId={customer.userId} available={customer.pointsAvailable} requestKey={randomUUID()} />
          )}
          {theirs.length > 0 ? (
            <div className="mt-5">
              <h3 className="mb-2 text-sm font-semibold text-ink">{t("theirs")}</h3>
              <AdjustmentsTable rows={theirs} testId="customer-adjustments" showCustomer={false} />
            </div>
          ) : null}
        </Card>
      ) : null}

      <Card title={t("recent")} note={t("recentNote", { count: RECENT_LIMIT })}>
        {recent.length === 0 ? (
          <EmptyState title={t("recentEmpty")} className="py-6" />
        ) : (
          <AdjustmentsTable rows={recent} testId="recent-adjustments" showCustomer />
        )}
      </Card>
    </div>
  );
}
