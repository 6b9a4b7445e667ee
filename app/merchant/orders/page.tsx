import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { Badge, buttonClass, Card, cn, EmptyState, Money, PageHeader, Pager, SearchForm, Table, type BadgeTone } from "@/app/_components";
import { pagedHref, pageParam } from "@/app/_components/paging";
import { requireStore } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { ORDERS_PAGE_SIZE, normalizeOrderNo, storeOrders, type EntryCounts, type OrderListRow } from "@/lib/orders/store-orders";
import { isSimulated } from "@/lib/payments";
import { RefundButton } from "./refund-button";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.orders");
  return { title: t("metaTitle") };
}

const TONE: Record<OrderListRow["status"], BadgeTone> = { pending: "neutral", paid: "success", refunded: "warn", expired: "neutral", cancelled: "neutral" };

const ENTRY_KINDS = ["waiting", "paid", "left", "cancelled"] as const satisfies readonly (keyof EntryCounts)[];

type OrdersT = Awaited<ReturnType<typeof getTranslations<"merchant.orders">>>;

/** "3 笔：排队中 2 · 已免单 1", or 未入队 for an order that joined no queue. */
function entriesSummary(t: OrdersT, e: EntryCounts): string {
  const total = e.waiting + e.paid + e.left + e.cancelled;
  if (total === 0) return t("noEntries");
  const parts = ENTRY_KINDS.filter((k) => e[k] > 0).map((k) => t("entryCount", { label: t(`entry.${k}`), count: e[k] }));
  return t("entriesSummary", { total, parts: parts.join(" · ") });
}

const querySchema = z.object({
  q: z.string().max(64).catch("").transform(normalizeOrderNo),
  page: pageParam,
});
type Query = z.output<typeof querySchema>;

function href(q: Query): string {
  return pagedHref("/merchant/orders", q);
}

export default async function MerchantOrdersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { merchant, storeRole } = await requireStore({ next: "/merchant/orders" });
  // Refunds are the owner's: a cashier sees the orders without the button (and the action refuses them).
  const canRefund = storeRole === "owner";
  const raw = await searchParams;
  const query = querySchema.parse({ q: raw.q ?? "", page: raw.page });
  const [{ rows, total }, t] = await Promise.all([storeOrders(merchant.id, query), getTranslations("merchant.orders")]);
  const pages = Math.max(1, Math.ceil(total / ORDERS_PAGE_SIZE));

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <SearchForm
        action="/merchant/orders"
        label={t("search")}
        submit={t("searchButton")}
        input={{ id: "order-search", name: "q", defaultValue: query.q, placeholder: t("searchPlaceholder"), className: "font-mono uppercase", "data-testid": "order-search" }}
        extra={
          query.q ? (
            <Link href="/merchant/orders" className={buttonClass("ghost", "md")}>
              {t("clear")}
            </Link>
          ) : null
        }
      />

      <Card title={query.q ? t("found", { count: total, q: query.q }) : t("orders")}>
        {total === 0 ? (
          query.q ? (
            <EmptyState title={t("noMatch")} description={t("noMatchBody")} />
          ) : (
            <EmptyState title={t("empty")} description={t("emptyBody")} />
          )
        ) : rows.length === 0 ? (
          <EmptyState
            title={t("pageEmpty")}
            action={
              <Link href={href({ ...query, page: 1 })} className="font-medium text-brand-700 underline">
                {t("backToFirst")}
              </Link>
            }
          />
        ) : (
          <>
            <OrderList rows={rows} canRefund={canRefund} />
            <OrderTable rows={rows} canRefund={canRefund} />
            <Pager page={query.page} pages={pages} total={total} unit={t("pagerUnit")} href={(page) => href({ ...query, page })} />
          </>
        )}
      </Card>
    </div>
  );
}

function Refund({ row, place }: { row: OrderListRow; place: "list" | "table" }) {
  if (row.status !== "paid") return null;
  return (
    <RefundButton
      orderId={row.id}
      orderNo={row.orderNo}
      cashFen={row.cashFen}
      pointsUsed={row.pointsUsed}
      pointsEarned={row.pointsEarned}
      poolFen={row.poolFen}
      entries={row.entries}
      simulated={isSimulated(row.provider)}
      place={place}
    />
  );
}

/** The order's status; a refunded one also says where its cash is. */
async function OrderStatus({ row }: { row: OrderListRow }) {
  const t = await getTranslations("merchant.orders");
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Badge tone={TONE[row.status]}>{t(`status.${row.status}`)}</Badge>
      {row.status === "refunded" && row.refundStatus ? (
        <span className="text-xs text-muted" data-testid={`refund-state-${row.orderNo}`}>
          {t(`refundState.${row.refundStatus}`)}
        </span>
      ) : null}
    </span>
  );
}

/** Phones: one block per order. */
async function OrderList({ rows, canRefund }: { rows: OrderListRow[]; canRefund: boolean }) {
  const [t, locale] = await Promise.all([getTranslations("merchant.orders"), getLocale()]);
  return (
    <ul className="divide-y divide-line sm:hidden" data-testid="order-list">
      {rows.map((r) => (
        <li key={r.id} className="space-y-1 py-3">
          <div className="flex items-center justify-between gap-2">
            <span className="font-mono text-xs">{r.orderNo}</span>
            <OrderStatus row={r} />
          </div>
          <p className="text-sm">
            <Money fen={r.amountFen} className="font-semibold" />
            {r.pointsUsed > 0 ? (
              <span className="text-muted">
                {" "}
                {t.rich("cashAndPoints", { points: r.pointsUsed, cash: () => <Money fen={r.cashFen} /> })}
              </span>
            ) : null}
          </p>
          <div className="flex items-center justify-between gap-2">
            <p className="text-xs text-muted">
              {formatShortDateTime(r.createdAt, { locale })} · {entriesSummary(t, r.entries)}
            </p>
            {canRefund ? <Refund row={r} place="list" /> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Wider screens: a table. */
async function OrderTable({ rows, canRefund }: { rows: OrderListRow[]; canRefund: boolean }) {
  const [t, locale] = await Promise.all([getTranslations("merchant.orders"), getLocale()]);
  const th = "px-2 py-2 text-left font-medium whitespace-nowrap";
  const thNum = "px-2 py-2 text-right font-medium whitespace-nowrap";
  const td = "px-2 py-2 whitespace-nowrap";
  const tdNum = "px-2 py-2 text-right whitespace-nowrap tabular-nums";
  return (
    <Table
      wrapperClassName="hidden sm:block"
      data-testid="order-table"
      head={
        <>
          <th scope="col" className={th}>{t("cols.orderNo")}</th>
          <th scope="col" className={th}>{t("cols.time")}</th>
          <th scope="col" className={thNum}>{t("cols.amount")}</th>
          <th scope="col" className={thNum}>{t("cols.cash")}</th>
          <th scope="col" className={thNum}>{t("cols.points")}</th>
          <th scope="col" className={th}>{t("cols.status")}</th>
          <th scope="col" className={th}>{t("cols.entries")}</th>
          <th scope="col" className={thNum}>{t("cols.action")}</th>
        </>
      }
    >
      {rows.map((r) => (
        <tr key={r.id} data-testid={`order-row-${r.orderNo}`}>
          <td className={cn(td, "font-mono text-xs")}>{r.orderNo}</td>
          <td className={cn(td, "text-muted")}>{formatShortDateTime(r.createdAt, { locale })}</td>
          <td className={tdNum}>
            <Money fen={r.amountFen} />
          </td>
          <td className={tdNum}>
            <Money fen={r.cashFen} />
          </td>
          <td className={tdNum}>{r.pointsUsed}</td>
          <td className={td}>
            <OrderStatus row={r} />
          </td>
          <td className={cn(td, "text-muted")}>{entriesSummary(t, r.entries)}</td>
          <td className="px-2 py-1 text-right">
            {canRefund ? <Refund row={r} place="table" /> : null}
          </td>
        </tr>
      ))}
    </Table>
  );
}
