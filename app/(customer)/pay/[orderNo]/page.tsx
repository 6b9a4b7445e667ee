import { notFound, redirect } from "next/navigation";
import { Card, Money } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { isDomainError } from "@/lib/errors";
import { customerOrder } from "@/lib/orders/view";
import { PayButton } from "./pay-button";

export const dynamic = "force-dynamic";
export const metadata = { title: "支付 · Freeline" };

export default async function PayPage({ params }: { params: Promise<{ orderNo: string }> }) {
  const { orderNo } = await params;
  const viewer = await requireViewer(undefined, { next: `/pay/${orderNo}` });
  const order = await customerOrder(viewer.userId, orderNo).catch((e: unknown) => {
    if (isDomainError(e) && e.code === "not_found") notFound();
    throw e;
  });
  if (order.status !== "pending") redirect(`/orders/${order.orderNo}`);

  return (
    <div className="space-y-4">
      <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
        <strong>模拟支付</strong>：这是开发用的模拟支付渠道，不会产生真实扣款。
      </div>
      <Card title="确认支付">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-muted">商家</dt>
          <dd>{order.storeName}</dd>
          <dt className="text-muted">订单号</dt>
          <dd className="font-mono">{order.orderNo}</dd>
          {order.pointsUsed > 0 ? (
            <>
              <dt className="text-muted">积分抵扣</dt>
              <dd>
                {order.pointsUsed} 分（<Money fen={order.pointsUsed} />）
              </dd>
            </>
          ) : null}
          <dt className="text-muted">应付金额</dt>
          <dd className="text-lg font-semibold">
            <Money fen={order.cashFen} />
          </dd>
        </dl>
        <div className="mt-4">
          <PayButton orderNo={order.orderNo} />
        </div>
      </Card>
    </div>
  );
}
