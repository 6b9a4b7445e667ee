import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { Card, Money } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { isDomainError } from "@/lib/errors";
import { formatFen } from "@/lib/money/format";
import { customerOrder } from "@/lib/orders/view";
import { PayButton } from "./pay-button";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const [t, ts] = await Promise.all([getTranslations("customer.pay"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("metaTitle") }) };
}

export default async function PayPage({ params }: { params: Promise<{ orderNo: string }> }) {
  const { orderNo } = await params;
  const viewer = await requireViewer(undefined, { next: `/pay/${orderNo}` });
  const order = await customerOrder(viewer.userId, orderNo).catch((e: unknown) => {
    if (isDomainError(e) && e.code === "not_found") notFound();
    throw e;
  });
  if (order.status !== "pending") redirect(`/orders/${order.orderNo}`);
  const [t, ts] = await Promise.all([getTranslations("customer.pay"), getTranslations("customer.shared")]);

  return (
    <div className="space-y-4">
      <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
        {t.rich("simulated", { strong: (chunks) => <strong>{chunks}</strong> })}
      </div>
      <Card title={t("title")}>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-muted">{t("store")}</dt>
          <dd>{order.storeName}</dd>
          <dt className="text-muted">{t("orderNo")}</dt>
          <dd className="font-mono">{order.orderNo}</dd>
          {order.pointsUsed > 0 ? (
            <>
              <dt className="text-muted">{t("pointsUsed")}</dt>
              <dd>
                {ts("pointsWorth", { count: String(order.pointsUsed), amount: formatFen(order.pointsUsed) })}
              </dd>
            </>
          ) : null}
          <dt className="text-muted">{t("due")}</dt>
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
