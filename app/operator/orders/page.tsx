import type { Metadata } from "next";
import type { ReactNode } from "react";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { Badge, Card, EmptyState, Money, PageHeader, SearchForm, SortableTable, td, tdNum, type BadgeTone } from "@/app/_components";
import { db } from "@/db";
import { errorText } from "@/i18n/errors";
import { requireViewer } from "@/lib/auth/session";
import { isDomainError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format/datetime";
import { checkRefund } from "@/lib/orders/refund";
import { normalizeOrderNo, orderByNo, type OrderDetail, type OrderEntry, type RefundStatus } from "@/lib/orders/store-orders";
import { isSimulated } from "@/lib/payments";
import { RetryButton } from "../_components/retry-button";
import { retryRefundAction } from "./actions";
import { OperatorRefundForm } from "./refund-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.orders");
  return { title: t("metaTitle") };
}

const TONE: Record<OrderDetail["status"], BadgeTone> = { pending: "neutral", paid: "success", refunded: "warn", expired: "neutral", cancelled: "neutral" };

const REFUND_TONE: Record<RefundStatus, BadgeTone> = { pending: "warn", succeeded: "success", failed: "danger" };

const ENTRY_TONE: Record<OrderEntry["status"], BadgeTone> = { waiting: "brand", paid: "success", left: "neutral", cancelled: "warn" };

const ROLES = ["merchant", "operator"] as const;

const querySchema = z.object({ no: z.string().max(64).catch("").transform(normalizeOrderNo) });

export default async function OperatorOrdersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await requireViewer("operator", { next: "/operator/orders" });
  const raw = await searchParams;
  const { no } = querySchema.parse({ no: raw.no ?? "" });
  const [order, t] = await Promise.all([no ? orderByNo(no) : null, getTranslations("operator.orders")]);

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <SearchForm
        action="/operator/orders"
        label={t("search")}
        submit={t("searchButton")}
        input={{ id: "order-no", name: "no", defaultValue: no, placeholder: t("searchPlaceholder"), className: "font-mono uppercase", "data-testid": "order-no" }}
      />

      {!no ? (
        <EmptyState title={t("start")} description={t("startBody")} />
      ) : !order ? (
        <EmptyState title={t("notFound", { orderNo: no })} description={t("notFoundBody")} />
      ) : (
        <OrderCard order={order} operatorId={viewer.userId} />
      )}
    </div>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-3 py-1.5 sm:block">
      <dt className="text-muted">{label}</dt>
      <dd className="text-right sm:mt-0.5 sm:text-left">{children}</dd>
    </div>
  );
}

/**
 * Why a paid order cannot be refunded now, in the reader's words, or null when it can: the same
 * read-only check (checkRefund) the merchant's refund dialog asks before it offers the button.
 */
async function refundRefusal(orderId: number, operatorId: number): Promise<string | null> {
  try {
    await db.transaction((tx) => checkRefund(tx, { orderId, actor: { userId: operatorId, role: "operator" } }), { accessMode: "read only" });
    return null;
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return errorText(e.message, e.params);
  }
}

async function OrderCard({ order: o, operatorId }: { order: OrderDetail; operatorId: number }) {
  const [t, locale, refusal] = await Promise.all([
    getTranslations("operator.orders"),
    getLocale(),
    o.status === "paid" ? refundRefusal(o.id, operatorId) : null,
  ]);
  const when = (at: Date) => formatDateTime(at, { seconds: true, locale });
  const simulated = isSimulated(o.provider);
  return (
    <div className="space-y-4" data-testid="order-detail">
      <Card
        title={<span className="font-mono">{t("order", { orderNo: o.orderNo })}</span>}
        actions={
          <Badge tone={TONE[o.status]}>
            <span data-testid="order-status">{t(`status.${o.status}`)}</span>
          </Badge>
        }
      >
        <dl className="grid gap-x-6 text-sm sm:grid-cols-3 sm:gap-y-3">
          <Field label={t("fields.store")}>{o.storeName}</Field>
          <Field label={t("fields.customer")}>
            {o.customerName} <span className="text-muted">@{o.customerUsername}</span>
          </Field>
          <Field label={t("fields.provider")}>
            {o.provider}
            {simulated ? <span className="text-muted">{t("simulated")}</span> : null}
          </Field>
          <Field label={t("fields.created")}>{when(o.createdAt)}</Field>
          <Field label={t("fields.paid")}>{o.paidAt ? when(o.paidAt) : "—"}</Field>
          <Field label={t("fields.amount")}>
            <Money fen={o.amountFen} />
          </Field>
          <Field label={t("fields.cash")}>
            <Money fen={o.cashFen} />
          </Field>
          <Field label={t("fields.pointsUsed")}>{o.pointsUsed}</Field>
          <Field label={t("fields.pointsEarned")}>{o.pointsEarned}</Field>
          <Field label={t("fields.shares")}>
            <Money fen={o.rebateFen} /> / <Money fen={o.platformFeeFen} /> / <Money fen={o.poolFen} />
          </Field>
        </dl>
      </Card>

      {/* Stays mounted from paid to refunded, so the result of a refund stays on screen. */}
      {o.status === "paid" || o.status === "refunded" ? <OperatorRefundForm key={o.id} orderId={o.id} refundable={o.status === "paid"} refusal={refusal} /> : null}

      <Card title={t("entries")}>
        {o.entryList.length === 0 ? (
          <p className="text-sm text-muted">{t("noEntries")}</p>
        ) : (
          <SortableTable
            data-testid="order-entries"
            columns={[
              { label: t("entryCols.position") },
              { label: t("entryCols.target"), num: true },
              { label: t("entryCols.status") },
              { label: t("entryCols.settled") },
            ]}
            rows={o.entryList.map((e) => ({
              key: e.id,
              values: [e.position, e.targetFen, t(`entryStatus.${e.status}`), e.settledAt?.getTime() ?? null],
              row: (
                <tr>
                  <td className={`${td} tabular-nums`}>{e.position}</td>
                  <td className={tdNum}>
                    <Money fen={e.targetFen} />
                  </td>
                  <td className={td}>
                    <Badge tone={ENTRY_TONE[e.status]}>{t(`entryStatus.${e.status}`)}</Badge>
                  </td>
                  <td className={`${td} text-muted tabular-nums`}>{e.settledAt ? when(e.settledAt) : "—"}</td>
                </tr>
              ),
            }))}
          />
        )}
      </Card>

      {o.refund ? (
        <Card title={t("refundRecord")} data-testid="refund-record">
          <dl className="grid gap-x-6 text-sm sm:grid-cols-3 sm:gap-y-3">
            <Field label={t("refundFields.time")}>{when(o.refund.createdAt)}</Field>
            <Field label={t("refundFields.by")}>
              {o.refund.actorName} <span className="text-muted">
                {t("byRole", {
                  role: (ROLES as readonly string[]).includes(o.refund.actorRole) ? t(`role.${o.refund.actorRole as (typeof ROLES)[number]}`) : o.refund.actorRole,
                })}
              </span>
            </Field>
            <Field label={t("refundFields.amount")}>
              <Money fen={o.refund.amountFen} />
            </Field>
            <Field label={t("refundFields.status")}>
              <Badge tone={REFUND_TONE[o.refund.status]}>
                <span data-testid="refund-status">{t(`refundStatus.${o.refund.status}`)}</span>
              </Badge>
            </Field>
            <Field label={t("refundFields.outRefundNo")}>
              <span className="font-mono text-xs">{o.refund.outRefundNo}</span>
            </Field>
            <Field label={t("refundFields.ref")}>
              <span className="font-mono text-xs">{o.refund.providerRef ?? "—"}</span>
            </Field>
            <Field label={t("refundFields.reason")}>{o.refund.reason ?? "—"}</Field>
            {o.refund.failureReason || o.refund.lastError ? (
              <Field label={t(o.refund.failureReason ? "refundFields.failure" : "refundFields.lastError")}>
                <span data-testid="refund-problem">{o.refund.failureReason ?? o.refund.lastError}</span>
              </Field>
            ) : null}
          </dl>
          <p className="mt-3 text-sm text-muted">{t(`refundNote.${o.refund.status}`)}</p>
          {o.refund.status === "failed" ? (
            <div className="mt-3">
              <RetryButton
                action={retryRefundAction}
                fields={{ orderId: String(o.id) }}
                label={t("retry")}
                pendingText={t("retrying")}
                done={t("retried")}
                testId="retry-refund"
              />
            </div>
          ) : null}
        </Card>
      ) : null}

    </div>
  );
}
