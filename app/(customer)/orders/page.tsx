import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { ButtonLink, Card, EmptyState, Money, cn, pagerLinkClass } from "@/app/_components";
import { pagedHref } from "@/app/_components/paging";
import { requireViewer } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { customerOrdersPage, ORDER_FILTERS } from "@/lib/orders/customer-orders";
import { expiresAt } from "@/lib/orders/payment";
import { CancelButton } from "../_ui/cancel-button";
import { Countdown } from "./_ui/countdown";
import { OrderStatusBadge, ReturnedNotice } from "./_ui/order-status";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const [t, ts] = await Promise.all([getTranslations("orders"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("metaTitle") }) };
}

// Anything unexpected in the address shows the first page of all orders rather than an error.
const query = z.object({
  status: z.enum(ORDER_FILTERS).catch("all"),
  before: z
    .string()
    .regex(/^FL\d{6}[2-9A-Z]{8}$/)
    .optional()
    .catch(undefined),
});

/**
 * My orders (我的订单): the customer's orders newest first, filtered by state, a page at a time. A
 * pending order shows the time left with pay and cancel, so one left on the payment page is found
 * and finished here; every order opens its receipt.
 */
export default async function MyOrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer(undefined, { next: "/orders" });
  const { status, before } = query.parse(await searchParams);
  const [{ orders, more }, t, locale] = await Promise.all([
    customerOrdersPage(viewer.userId, { filter: status, before }),
    getTranslations("orders"),
    getLocale(),
  ]);
  const filterParam = status === "all" ? undefined : status;

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold text-ink">{t("title")}</h1>
      <nav aria-label={t("filters.label")} className="-mx-1 flex gap-1 overflow-x-auto pb-1" data-testid="order-filters">
        {ORDER_FILTERS.map((f) => (
          <Link
            key={f}
            href={pagedHref("/orders", { status: f === "all" ? undefined : f })}
            aria-current={f === status ? "page" : undefined}
            className={cn(
              "inline-flex min-h-11 shrink-0 items-center rounded-full px-4 text-sm font-medium",
              f === status ? "bg-brand-700 text-white" : "text-muted ring-1 ring-inset ring-line hover:text-ink",
            )}
          >
            {t(`filters.${f}`)}
          </Link>
        ))}
      </nav>

      {orders.length === 0 ? (
        status === "all" && !before ? (
          <EmptyState title={t("emptyTitle")} description={t("emptyBody")} action={<ButtonLink href="/">{t("goHome")}</ButtonLink>} />
        ) : (
          <EmptyState
            title={t("emptyFilteredTitle")}
            description={t("emptyFilteredBody")}
            action={
              <ButtonLink href="/orders" variant="secondary">
                {t("showAll")}
              </ButtonLink>
            }
          />
        )
      ) : (
        <ul className="space-y-3" data-testid="orders">
          {orders.map((o) => (
            <li key={o.orderNo} data-testid="order-card" data-order-no={o.orderNo}>
              <Card>
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0">
                    <Link
                      href={`/orders/${o.orderNo}`}
                      className="inline-flex min-h-11 min-w-11 items-center font-medium text-ink underline-offset-2 hover:underline"
                      aria-label={t("details", { orderNo: o.orderNo })}
                    >
                      <span className="truncate">{o.storeName}</span>
                    </Link>
                    <p className="text-xs text-muted">{t("placedAt", { time: formatShortDateTime(o.createdAt, { locale }) })}</p>
                  </div>
                  <OrderStatusBadge status={o.status} />
                </div>
                <p className="mt-2 text-sm">
                  <span className="text-lg font-semibold">
                    <Money fen={o.cashFen} />
                  </span>
                  {o.pointsUsed > 0 ? (
                    <span className="ml-2 text-muted">{t("pointsUsed", { points: String(o.pointsUsed), amount: formatFen(o.pointsUsed) })}</span>
                  ) : null}
                </p>
                {o.status === "refunded" && o.refundStatus ? (
                  <p className="mt-1 text-sm text-muted">{t(`refundState.${o.refundStatus}`, { amount: formatFen(o.cashFen) })}</p>
                ) : null}
                <div className="mt-2">
                  <ReturnedNotice returned={o.returned} />
                </div>
                {o.status === "pending" ? (
                  <div className="mt-3 space-y-2">
                    <p className="text-sm text-amber-800">
                      <Countdown until={expiresAt(o.createdAt).toISOString()} />
                    </p>
                    <div className="flex flex-wrap items-start gap-2">
                      <ButtonLink href={`/pay/${o.orderNo}`}>{t("pay")}</ButtonLink>
                      <CancelButton orderNo={o.orderNo} />
                    </div>
                  </div>
                ) : null}
              </Card>
            </li>
          ))}
        </ul>
      )}

      {more || before ? (
        <nav className="flex items-center justify-between gap-2 text-sm">
          {before ? (
            <Link href={pagedHref("/orders", { status: filterParam })} className={cn(pagerLinkClass, "inline-flex min-h-11 items-center")}>
              {t("newest")}
            </Link>
          ) : (
            <span />
          )}
          {more ? (
            <Link
              href={pagedHref("/orders", { status: filterParam, before: orders.at(-1)!.orderNo })}
              className={cn(pagerLinkClass, "inline-flex min-h-11 items-center")}
              rel="next"
            >
              {t("older")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
