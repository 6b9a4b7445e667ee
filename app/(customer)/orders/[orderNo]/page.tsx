import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, EmptyState, Money } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { isDomainError } from "@/lib/errors";
import { customerOrder } from "@/lib/orders/view";
import { customerEntries } from "@/lib/queue/position";
import { EntryStatusBadge } from "../../_ui/entry-status";
import { RiskNotice } from "../../_ui/risk-notice";

export const dynamic = "force-dynamic";
export const metadata = { title: "订单结果 · Freeline" };

export default async function OrderResultPage({ params }: { params: Promise<{ orderNo: string }> }) {
  const { orderNo } = await params;
  const viewer = await requireViewer(undefined, { next: `/orders/${orderNo}` });
  const order = await customerOrder(viewer.userId, orderNo).catch((e: unknown) => {
    if (isDomainError(e) && e.code === "not_found") notFound();
    throw e;
  });
  const entries = order.status === "pending" ? [] : (await customerEntries(viewer.userId, { orderId: order.id })).reverse();

  return (
    <div className="space-y-4">
      <header>
        <h1 className="text-2xl font-semibold text-ink">
          {order.status === "pending" ? "订单待支付" : order.status === "refunded" ? "订单已退款" : "支付成功"}
        </h1>
        <p className="mt-1 text-sm text-muted">
          {order.storeName} · 订单号 <span className="font-mono" data-testid="order-no">{order.orderNo}</span>
        </p>
      </header>

      {order.status === "pending" ? (
        <Card>
          <p className="text-sm">这笔订单还没有支付。</p>
          <Link className="mt-2 inline-block font-medium text-brand-700 underline" href={`/pay/${order.orderNo}`}>
            去支付
          </Link>
        </Card>
      ) : (
        <>
          <Card title="本单">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-muted">实付</dt>
              <dd><Money fen={order.cashFen} /></dd>
              {order.pointsUsed > 0 ? (
                <>
                  <dt className="text-muted">积分抵扣</dt>
                  <dd data-testid="points-used">{order.pointsUsed} 分（<Money fen={order.pointsUsed} />）</dd>
                </>
              ) : null}
              <dt className="text-muted">获得积分</dt>
              <dd data-testid="points-earned">{order.pointsEarned}（待释放）</dd>
            </dl>
          </Card>
          <Card title="排队">
            {entries.length === 0 ? (
              <EmptyState title="本单未加入免单队列" description="订单金额低于本店的排队门槛，但积分照常获得。" />
            ) : (
              <ul className="divide-y divide-line" data-testid="order-entries">
                {entries.map((e) => (
                  <li key={e.id} className="flex items-center justify-between py-2 text-sm">
                    <span>
                      <Money fen={e.targetFen} />
                      {e.position !== null ? <span className="ml-2 text-muted">第 {e.position} 位</span> : null}
                    </span>
                    <EntryStatusBadge status={e.status} paidKind={e.paidKind} />
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </>
      )}
      <RiskNotice />
      <div className="flex gap-4 text-sm">
        <Link className="font-medium text-brand-700 underline" href="/me">查看我的排队</Link>
        <Link className="font-medium text-brand-700 underline" href={`/s/${order.storeSlug}`}>返回商家</Link>
      </div>
    </div>
  );
}
