import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { BarChart, Card, EmptyState, Money, PageHeader, ProgressBar } from "@/app/_components";
import { redirect } from "next/navigation";
import { requireStore } from "@/lib/auth/session";
import { merchantDailyFigures, merchantSettlement } from "@/lib/merchants/dashboard";
import { queueGauge } from "@/lib/merchants/store";
import { formatFen } from "@/lib/money/format";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.dashboard");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

/** The merchant's dashboard: the pool against the head, the queue, and today's and 30 days' figures. */
export default async function MerchantDashboard() {
  const { merchant, storeRole } = await requireStore({ next: "/merchant" });
  // The figures and the settlement are the owner's; a cashier's console starts at the queue.
  if (storeRole !== "owner") redirect("/merchant/queue");
  const [gauge, days, settlement, t] = await Promise.all([
    queueGauge(merchant.queueId!),
    merchantDailyFigures(merchant.id, 30),
    merchantSettlement(merchant.id),
    getTranslations("merchant.dashboard"),
  ]);
  const today = days.at(-1)!;
  const sum = (k: "orders" | "cashFen" | "rebateFen" | "payoutsFen") => days.reduce((s, d) => s + d[k], 0);

  return (
    <div className="space-y-4">
      <PageHeader title={merchant.name} description={t("description")} />

      <Card title={t("gauge")} actions={<Link className="text-sm text-brand-700 underline" href="/merchant/queue">{t("viewQueue")}</Link>}>
        {gauge.headTargetFen === null ? (
          <EmptyState title={t("noneWaiting")} description={t("pool", { pool: formatFen(gauge.poolFen) })} />
        ) : (
          <div className="space-y-2">
            <ProgressBar
              value={Math.min(gauge.poolFen, gauge.headTargetFen)}
              max={gauge.headTargetFen}
              label={t("coverage")}
              valueText={t("coverageValue", { pool: formatFen(gauge.poolFen), head: formatFen(gauge.headTargetFen) })}
            />
            <p className="text-sm" data-testid="dashboard-gauge">
              {t.rich("summary", {
                count: gauge.waitingCount,
                pool: () => <Money fen={gauge.poolFen} />,
                head: () => <Money fen={gauge.headTargetFen!} />,
                waiting: () => <Money fen={gauge.waitingFen} />,
              })}
            </p>
          </div>
        )}
      </Card>

      <Card title={t("settlement.title")} data-testid="settlement">
        <p className="text-xl font-semibold" data-testid="settlement-balance">
          <Money fen={settlement.balanceFen} />
        </p>
        {settlement.balanceFen < 0 ? (
          <p className="mt-1 text-sm text-danger" data-testid="settlement-owed">
            {t("settlement.owed", { amount: formatFen(-settlement.balanceFen) })}
          </p>
        ) : null}
        {settlement.shortfallsFen > 0 ? (
          <p className="mt-1 text-sm text-muted">{t("settlement.shortfalls", { amount: formatFen(settlement.shortfallsFen) })}</p>
        ) : null}
      </Card>

      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Card title={t("todayOrders")}><p className="text-xl font-semibold" data-testid="today-orders">{today.orders}</p></Card>
        <Card title={t("todayCash")}><p className="text-xl font-semibold"><Money fen={today.cashFen} /></p></Card>
        <Card title={t("todayRebate")}><p className="text-xl font-semibold"><Money fen={today.rebateFen} /></p></Card>
        <Card title={t("todayPayouts")}><p className="text-xl font-semibold"><Money fen={today.payoutsFen} /></p></Card>
      </div>

      <Card title={t("last30", { orders: sum("orders"), cash: formatFen(sum("cashFen")) })}>
        <div className="grid gap-6 md:grid-cols-3">
          <BarChart title={t("chartOrders")} unit={t("unitOrders")} kind="count" data={days.map((d) => ({ label: d.day, value: d.orders }))} />
          <BarChart title={t("chartRebate")} unit={t("unitYuan")} kind="fen" data={days.map((d) => ({ label: d.day, value: d.rebateFen }))} />
          <BarChart title={t("chartPayouts")} unit={t("unitYuan")} kind="fen" data={days.map((d) => ({ label: d.day, value: d.payoutsFen }))} />
        </div>
      </Card>
    </div>
  );
}
