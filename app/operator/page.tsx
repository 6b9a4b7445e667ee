import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { Badge, BarChart, Card, EmptyState, Money, PageHeader, SearchForm } from "@/app/_components";
import { latestAudit } from "@/lib/audit/list";
import { requireViewer } from "@/lib/auth/session";
import { formatMonthDayTime } from "@/lib/format/datetime";
import { platformDailyFigures, type PlatformDay } from "@/lib/operator/charts";
import { merchantApplications, pendingWithdrawals } from "@/lib/operator/overview";
import { readyQueues } from "@/lib/queue/ready";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.overview");
  return { title: t("metaTitle") };
}

const READY_SHOWN = 8;

function Stat({ label, value, href, cta, testId, children }: { label: string; value: ReactNode; href: string; cta: string; testId: string; children?: ReactNode }) {
  return (
    <Card className="flex flex-col" data-testid={testId}>
      <div className="flex items-start justify-between gap-2">
        <p className="text-sm text-muted">{label}</p>
        <Link href={href} className="shrink-0 text-sm font-medium text-brand-700 underline">
          {cta}
        </Link>
      </div>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid={`${testId}-count`}>
        {value}
      </p>
      {children ? <div className="mt-2 text-sm">{children}</div> : null}
    </Card>
  );
}

/** The last 30 days, from the ledger: orders, fees, pool inflow and payouts, points. */
async function Charts({ days }: { days: PlatformDay[] }) {
  const t = await getTranslations("operator.overview.charts");
  const series = (pick: (d: PlatformDay) => number) => days.map((d) => ({ label: d.day, value: pick(d) }));
  return (
    <Card title={t("title")} data-testid="overview-charts">
      <div className="grid gap-6 md:grid-cols-2 lg:grid-cols-3">
        <BarChart title={t("orders")} unit={t("unitOrders")} kind="count" data={series((d) => d.orders)} />
        <BarChart title={t("fees")} unit={t("unitYuan")} kind="fen" data={series((d) => d.feesFen)} />
        <BarChart title={t("poolIn")} unit={t("unitYuan")} kind="fen" data={series((d) => d.poolInFen)} />
        <BarChart title={t("payouts")} unit={t("unitYuan")} kind="fen" data={series((d) => d.payoutsFen)} />
        <BarChart title={t("pointsIssued")} unit={t("unitPoints")} kind="count" data={series((d) => d.pointsIssued)} />
        <BarChart title={t("pointsReleased")} unit={t("unitPoints")} kind="count" data={series((d) => d.pointsReleased)} />
        <BarChart title={t("pointsExpired")} unit={t("unitPoints")} kind="count" data={series((d) => d.pointsExpired)} />
      </div>
    </Card>
  );
}

/** The operator's landing page: what needs attention now. Cheap queries only. */
export default async function OperatorOverview() {
  await requireViewer("operator", { next: "/operator" });
  const [ready, withdrawals, applications, lastCheck, days] = await Promise.all([
    readyQueues(),
    pendingWithdrawals(),
    merchantApplications(),
    latestAudit("ledger.verify"),
    platformDailyFigures(30),
  ]);
  const [t, locale] = await Promise.all([getTranslations("operator.overview"), getLocale()]);
  const when = (at: Date) => formatMonthDayTime(at, { locale });
  const violations = Number(lastCheck?.details.violations ?? 0);

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label={t("ready")} value={ready.length} href="/operator/payouts" cta={t("toPayouts")} testId="overview-ready" />
        <Stat label={t("withdrawals")} value={withdrawals.count} href="/operator/withdrawals" cta={t("toWithdrawals")} testId="overview-withdrawals">
          {withdrawals.oldest ? (
            <>
              <p>
                {t("withdrawalsTotal")} <Money fen={withdrawals.totalFen} />
              </p>
              <p className="text-muted">
                {t("oldestWithdrawal", { name: withdrawals.oldest.userName })} · <Money fen={withdrawals.oldest.amountFen} /> · {t("since")}{" "}
                {when(withdrawals.oldest.createdAt)}
              </p>
            </>
          ) : (
            <p className="text-muted">{t("withdrawalsEmpty")}</p>
          )}
        </Stat>
        <Stat label={t("applications")} value={applications.count} href="/operator/merchants" cta={t("toMerchants")} testId="overview-applications">
          {applications.oldest ? (
            <p className="text-muted">
              {t("oldestApplication", { name: applications.oldest.name, slug: applications.oldest.slug })} · {t("since")}{" "}
              {when(applications.oldest.createdAt)}
            </p>
          ) : (
            <p className="text-muted">{t("applicationsEmpty")}</p>
          )}
        </Stat>
        <Card className="flex flex-col" data-testid="overview-ledger">
          <div className="flex items-start justify-between gap-2">
            <p className="text-sm text-muted">{t("ledger")}</p>
            <Link href="/operator/ledger" className="shrink-0 text-sm font-medium text-brand-700 underline">
              {t("toLedger")}
            </Link>
          </div>
          {lastCheck ? (
            <>
              <p className="mt-2">
                <Badge tone={violations === 0 ? "success" : "danger"}>
                  <span data-testid="overview-ledger-status">{violations === 0 ? t("ledgerOk") : t("ledgerBad", { count: violations })}</span>
                </Badge>
              </p>
              <p className="mt-2 text-sm text-muted">
                {t("ledgerWhen", { at: when(lastCheck.createdAt), who: lastCheck.actorName ?? t("system") })}
              </p>
            </>
          ) : (
            <p className="mt-2 text-sm" data-testid="overview-ledger-status">
              {t("ledgerNever")}
            </p>
          )}
          <p className="mt-2 text-xs text-muted">{t("ledgerNote")}</p>
        </Card>
      </div>

      <SearchForm
        action="/operator/search"
        label={t("search")}
        submit={t("searchButton")}
        input={{ id: "global-search", name: "q", maxLength: 64, placeholder: t("searchPlaceholder"), "data-testid": "global-search" }}
      />

      <Charts days={days} />

      <Card
        title={t("readyCount", { count: ready.length })}
        actions={
          <Link href="/operator/payouts" className="text-sm font-medium text-brand-700 underline">
            {t("toPayouts")}
          </Link>
        }
      >
        {ready.length === 0 ? (
          <EmptyState title={t("readyEmpty")} description={t("readyEmptyBody")} className="py-6" />
        ) : (
          <ul className="divide-y divide-line" data-testid="overview-ready-list">
            {ready.slice(0, READY_SHOWN).map((q) => (
              <li key={q.queueId} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span>
                  <Link href="/operator/payouts" className="font-medium text-brand-700 underline">
                    {q.name}
                  </Link>
                  <span className="ml-1.5 text-xs text-muted">#{q.queueId}</span>
                  <Badge tone={q.payoutMode === "auto" ? "brand" : "warn"} className="ml-2">
                    {t(`mode.${q.payoutMode}`)}
                  </Badge>
                </span>
                <span className="text-muted">
                  {t("poolHead")} <Money fen={q.poolFen} /> / <Money fen={q.headTargetFen} /> · {t("waiting", { count: q.waitingCount })}
                </span>
              </li>
            ))}
            {ready.length > READY_SHOWN ? (
              <li className="py-2 text-sm text-muted">{t("readyMore", { count: ready.length - READY_SHOWN })}</li>
            ) : null}
          </ul>
        )}
      </Card>
    </div>
  );
}
