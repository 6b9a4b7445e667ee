import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { ButtonLink, Card, EmptyState, Money } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { isDomainError } from "@/lib/errors";
import { formatShortDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { returnedPayments } from "@/lib/orders/customer-orders";
import { expiresAt } from "@/lib/orders/payment";
import { freedByPayment } from "@/lib/orders/freed";
import { customerOrder } from "@/lib/orders/view";
import { customerEntries } from "@/lib/queue/position";
import { EntryStatusBadge } from "../../_ui/entry-status";
import { RiskNotice } from "../../_ui/risk-notice";
import { CancelButton } from "../../_ui/cancel-button";
import { Countdown } from "../_ui/countdown";
import { OrderStatusBadge, ReturnedNotice } from "../_ui/order-status";
import { FreedList } from "./freed-list";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const [t, ts] = await Promise.all([getTranslations("customer.order"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("metaTitle") }) };
}

export default async function OrderResultPage({ params }: { params: Promise<{ orderNo: string }> }) {
  const { orderNo } = await params;
  const viewer = await requireViewer(undefined, { next: `/orders/${orderNo}` });
  const order = await customerOrder(viewer.userId, orderNo).catch((e: unknown) => {
    if (isDomainError(e) && e.code === "not_found") notFound();
    throw e;
  });
  const closed = order.status === "expired" || order.status === "cancelled";
  const [entries, freed] =
    order.status === "pending" || closed
      ? [[], null]
      : await Promise.all([
          customerEntries(viewer.userId, { orderId: order.id }).then((e) => e.reverse()),
          freedByPayment(viewer.userId, order.id),
        ]);
  const [t, ts, to, returned, locale] = await Promise.all([
    getTranslations("customer.order"),
    getTranslations("customer.shared"),
    getTranslations("orders"),
    returnedPayments(viewer.userId, order.orderNo),
    getLocale(),
  ]);

  return (
    <div className="space-y-4">
      <header>
        <div className="flex items-start justify-between gap-3">
          <h1 className="text-2xl font-semibold text-ink">
            {order.status === "paid" ? t("paid") : t(order.status)}
          </h1>
          <OrderStatusBadge status={order.status} />
        </div>
        <p className="mt-1 text-sm text-muted">
          {t.rich("subtitle", {
            store: order.storeName,
            orderNo: order.orderNo,
            no: (chunks) => (
              <span className="font-mono" data-testid="order-no">
                {chunks}
              </span>
            ),
          })}
        </p>
        <p className="mt-1 text-xs text-muted" data-testid="order-times">
          {to("receipt.placedAt")} {formatShortDateTime(order.createdAt, { locale })}
          {order.paidAt ? ` · ${to("receipt.paidAt")} ${formatShortDateTime(order.paidAt, { locale })}` : null}
        </p>
        {order.status === "refunded" && order.refundStatus ? (
          <p className="mt-2 text-sm" data-testid="refund-state">
            {t(`refundState.${order.refundStatus}`, { amount: formatFen(order.cashFen) })}
          </p>
        ) : null}
      </header>
      <ReturnedNotice returned={returned} />

      {closed ? (
        <Card>
          {returned.length === 0 ? <p className="text-sm" data-testid="order-closed">{t("closedBody")}</p> : null}
          <Link className="mt-2 inline-block font-medium text-brand-700 underline" href={`/s/${order.storeSlug}`}>
            {t("orderAgain")}
          </Link>
        </Card>
      ) : order.status === "pending" ? (
        <Card>
          <p className="text-sm">{t("notPaid")}</p>
          <p className="mt-1 text-sm text-amber-800">
            <Countdown until={expiresAt(order.createdAt).toISOString()} />
          </p>
          <div className="mt-3 flex flex-wrap items-start gap-2">
            <ButtonLink href={`/pay/${order.orderNo}`}>{t("payNow")}</ButtonLink>
            <CancelButton orderNo={order.orderNo} />
          </div>
        </Card>
      ) : (
        <>
          {freed ? <FreedList orderNo={order.orderNo} initial={freed} /> : null}
          <Card title={t("summary")}>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-muted">{t("cash")}</dt>
              <dd><Money fen={order.cashFen} /></dd>
              {order.pointsUsed > 0 ? (
                <>
                  <dt className="text-muted">{t("pointsUsed")}</dt>
                  <dd data-testid="points-used">{ts("pointsWorth", { count: String(order.pointsUsed), amount: formatFen(order.pointsUsed) })}</dd>
                </>
              ) : null}
              <dt className="text-muted">{t("pointsEarned")}</dt>
              <dd data-testid="points-earned">{t("pointsEarnedValue", { points: String(order.pointsEarned), amount: formatFen(order.pointsEarned) })}</dd>
            </dl>
          </Card>
          <Card title={t("queue")}>
            {entries.length === 0 ? (
              <EmptyState title={t("notQueuedTitle")} description={t("notQueuedBody")} />
            ) : (
              <ul className="divide-y divide-line" data-testid="order-entries">
                {entries.map((e) => (
                  <li key={e.id} className="flex items-center justify-between py-2 text-sm">
                    <span>
                      <Money fen={e.targetFen} />
                      {e.position !== null ? <span className="ml-2 text-muted">{ts("position", { position: String(e.position) })}</span> : null}
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
        <Link className="inline-flex min-h-11 min-w-11 items-center font-medium text-brand-700 underline" href="/me">{t("myQueue")}</Link>
        <Link className="inline-flex min-h-11 min-w-11 items-center font-medium text-brand-700 underline" href={`/s/${order.storeSlug}`}>{t("backToStore")}</Link>
      </div>
    </div>
  );
}
