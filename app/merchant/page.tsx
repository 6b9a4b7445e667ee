import type { Metadata } from "next";
import Link from "next/link";
import { BarChart, Card, EmptyState, Money, PageHeader, ProgressBar } from "@/app/_components";
import { requireMerchant } from "@/lib/auth/session";
import { merchantDailyFigures } from "@/lib/merchants/dashboard";
import { queueGauge } from "@/lib/merchants/store";
import { formatFen } from "@/lib/money/format";

export const metadata: Metadata = { title: "概览 · Freeline 商家" };
export const dynamic = "force-dynamic";

/** The merchant's dashboard: the pool against the head, the queue, and today's and 30 days' figures. */
export default async function MerchantDashboard() {
  const { merchant } = await requireMerchant({ next: "/merchant" });
  const [gauge, days] = await Promise.all([queueGauge(merchant.queueId!), merchantDailyFigures(merchant.id, 30)]);
  const today = days.at(-1)!;
  const sum = (k: "orders" | "cashFen" | "rebateFen" | "payoutsFen") => days.reduce((s, d) => s + d[k], 0);

  return (
    <div className="space-y-4">
      <PageHeader title={merchant.name} description="今日与近 30 天的经营和免单情况。" />

      <Card title="奖池与队首" actions={<Link className="text-sm text-brand-700 underline" href="/merchant/queue">查看队列</Link>}>
        {gauge.headTargetFen === null ? (
          <EmptyState title="现在没有人排队" description={`奖池 ${formatFen(gauge.poolFen)}。`} />
        ) : (
          <div className="space-y-2">
            <ProgressBar
              value={Math.min(gauge.poolFen, gauge.headTargetFen)}
              max={gauge.headTargetFen}
              label="奖池对队首的覆盖"
              valueText={`池中 ${formatFen(gauge.poolFen)}，队首 ${formatFen(gauge.headTargetFen)}`}
            />
            <p className="text-sm" data-testid="dashboard-gauge">
              池中 <Money fen={gauge.poolFen} /> / 队首 <Money fen={gauge.headTargetFen} /> · 排队 {gauge.waitingCount} 笔，共{" "}
              <Money fen={gauge.waitingFen} />
            </p>
          </div>
        )}
      </Card>

      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Card title="今日订单"><p className="text-xl font-semibold" data-testid="today-orders">{today.orders}</p></Card>
        <Card title="今日营业额"><p className="text-xl font-semibold"><Money fen={today.cashFen} /></p></Card>
        <Card title="今日让利"><p className="text-xl font-semibold"><Money fen={today.rebateFen} /></p></Card>
        <Card title="今日免单"><p className="text-xl font-semibold"><Money fen={today.payoutsFen} /></p></Card>
      </div>

      <Card title={`近 30 天：${sum("orders")} 笔订单，营业额 ${formatFen(sum("cashFen"))}`}>
        <div className="grid gap-6 md:grid-cols-3">
          <BarChart title="订单数" unit="笔" kind="count" data={days.map((d) => ({ label: d.day, value: d.orders }))} />
          <BarChart title="让利" unit="元" kind="fen" data={days.map((d) => ({ label: d.day, value: d.rebateFen }))} />
          <BarChart title="免单派发" unit="元" kind="fen" data={days.map((d) => ({ label: d.day, value: d.payoutsFen }))} />
        </div>
      </Card>
    </div>
  );
}
