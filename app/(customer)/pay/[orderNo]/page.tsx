import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { Card, Money } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { isDomainError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { expiresAt, syncPayment } from "@/lib/orders/payment";
import { customerOrder } from "@/lib/orders/view";
import { checkoutProviders, payerDevice, providerForDevice } from "@/lib/payments";
import { CancelButton } from "../../_ui/cancel-button";
import { PayButton } from "../../_ui/pay-button";
import { ProviderPay } from "./provider-pay";

type RealProvider = "wechat" | "alipay";
const isReal = (id: string): id is RealProvider => id === "wechat" || id === "alipay";

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
  // Coming back from the provider's page (or reloading after a QR code or JSAPI): ask the provider,
  // so the result shows even before its notification arrives. An outage only delays that.
  if (isReal(order.provider)) {
    const paid = await syncPayment(order.orderNo).catch(() => null);
    if (paid) redirect(`/orders/${order.orderNo}`);
  }
  const offered = checkoutProviders();
  const simulated = offered.includes("dev");
  const chosen = providerForDevice(payerDevice((await headers()).get("user-agent")), offered);
  const choices = (chosen ? [chosen] : offered).filter(isReal);
  const [t, ts, locale] = await Promise.all([getTranslations("customer.pay"), getTranslations("customer.shared"), getLocale()]);

  return (
    <div className="space-y-4">
      {simulated ? (
        <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {t.rich("simulated", { strong: (chunks) => <strong>{chunks}</strong> })}
        </div>
      ) : null}
      <Card title={simulated ? t("title") : t("realTitle")}>
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
        <p className="mt-3 text-sm text-muted" data-testid="pay-by">
          {t("expiresAt", { time: formatDateTime(expiresAt(order.createdAt), { locale }) })}
        </p>
        <div className="mt-4">
          {simulated ? (
            <PayButton orderNo={order.orderNo} />
          ) : (
            <>
              {choices.length > 1 ? <h2 className="mb-2 text-sm font-medium">{t("choose")}</h2> : null}
              <ProviderPay orderNo={order.orderNo} providers={choices} />
            </>
          )}
        </div>
      </Card>
      <CancelButton orderNo={order.orderNo} />
    </div>
  );
}
