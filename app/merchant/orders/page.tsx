import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { Badge, buttonClass, Card, cn, EmptyState, Money, PageHeader, Pager, SearchForm, Table, type BadgeTone } from "@/app/_components";
import { pagedHref, pageParam } from "@/app/_components/paging";
import { requireMerchant } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { ORDERS_PAGE_SIZE, normalizeOrderNo, storeOrders, type EntryCounts, type OrderListRow } from "@/lib/orders/store-orders";
import { paymentProvider } from "@/lib/payments";
import { RefundButton } from "./refund-button";

export const metadata: Metadata = { title: "订单与退款 · Freeline 商家" };

const t = {
  title: "订单与退款",
  description: "本店的订单，最新的在前。只有排队都还在排队中、且顾客还持有本单积分的订单才能退款。",
  search: "按订单号查找",
  searchPlaceholder: "订单号，例如 FL2611…",
  searchButton: "查找",
  clear: "清除",
  orders: "订单",
  found: (n: number, q: string) => `订单号含 “${q}” 的订单：${n} 笔`,
  empty: "还没有订单",
  emptyBody: "顾客在店铺页下单付款后，订单会出现在这里。",
  noMatch: "没有找到这个订单号",
  noMatchBody: "请检查订单号，或清除查找条件看全部订单。",
  pageEmpty: "这一页没有订单",
  backToFirst: "回到第一页",
  cols: { orderNo: "订单号", time: "下单时间", amount: "金额", cash: "现金", points: "积分抵扣", status: "状态", entries: "排队", action: "操作" },
  noEntries: "未入队",
  pointsUnit: (n: number) => `${n} 积分`,
};

const STATUS: Record<OrderListRow["status"], { label: string; tone: BadgeTone }> = {
  pending: { label: "待支付", tone: "neutral" },
  paid: { label: "已支付", tone: "success" },
  refunded: { label: "已退款", tone: "warn" },
};

const ENTRY_LABEL: Record<keyof EntryCounts, string> = { waiting: "排队中", paid: "已免单", left: "已退出", cancelled: "已取消" };

/** "3 笔：排队中 2 · 已免单 1", or 未入队 for an order that joined no queue. */
function entriesSummary(e: EntryCounts): string {
  const total = e.waiting + e.paid + e.left + e.cancelled;
  if (total === 0) return t.noEntries;
  const parts = (Object.keys(ENTRY_LABEL) as (keyof EntryCounts)[]).filter((k) => e[k] > 0).map((k) => `${ENTRY_LABEL[k]} ${e[k]}`);
  return `${total} 笔：${parts.join(" · ")}`;
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
  const { merchant } = await requireMerchant({ next: "/merchant/orders" });
  const raw = await searchParams;
  const query = querySchema.parse({ q: raw.q ?? "", page: raw.page });
  const { rows, total } = await storeOrders(merchant.id, query);
  const pages = Math.max(1, Math.ceil(total / ORDERS_PAGE_SIZE));

  return (
    <div className="space-y-4">
      <PageHeader title={t.title} description={t.description} />

      <SearchForm
        action="/merchant/orders"
        label={t.search}
        submit={t.searchButton}
        input={{ id: "order-search", name: "q", defaultValue: query.q, placeholder: t.searchPlaceholder, className: "font-mono uppercase", "data-testid": "order-search" }}
        extra={
          query.q ? (
            <Link href="/merchant/orders" className={buttonClass("ghost", "md")}>
              {t.clear}
            </Link>
          ) : null
        }
      />

      <Card title={query.q ? t.found(total, query.q) : t.orders}>
        {total === 0 ? (
          query.q ? (
            <EmptyState title={t.noMatch} description={t.noMatchBody} />
          ) : (
            <EmptyState title={t.empty} description={t.emptyBody} />
          )
        ) : rows.length === 0 ? (
          <EmptyState
            title={t.pageEmpty}
            action={
              <Link href={href({ ...query, page: 1 })} className="font-medium text-brand-700 underline">
                {t.backToFirst}
              </Link>
            }
          />
        ) : (
          <>
            <OrderList rows={rows} />
            <OrderTable rows={rows} />
            <Pager page={query.page} pages={pages} total={total} unit="笔" href={(page) => href({ ...query, page })} />
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
      entries={row.entries}
      simulated={paymentProvider(row.provider).simulated}
      place={place}
    />
  );
}

/** Phones: one block per order. */
function OrderList({ rows }: { rows: OrderListRow[] }) {
  return (
    <ul className="divide-y divide-line sm:hidden" data-testid="order-list">
      {rows.map((r) => (
        <li key={r.id} className="space-y-1 py-3">
          <div className="flex items-center justify-between gap-2">
            <span className="font-mono text-xs">{r.orderNo}</span>
            <Badge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Badge>
          </div>
          <p className="text-sm">
            <Money fen={r.amountFen} className="font-semibold" />
            {r.pointsUsed > 0 ? (
              <span className="text-muted">
                {" "}
                · 现金 <Money fen={r.cashFen} /> · 抵扣 {t.pointsUnit(r.pointsUsed)}
              </span>
            ) : null}
          </p>
          <div className="flex items-center justify-between gap-2">
            <p className="text-xs text-muted">
              {formatShortDateTime(r.createdAt)} · {entriesSummary(r.entries)}
            </p>
            <Refund row={r} place="list" />
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Wider screens: a table. */
function OrderTable({ rows }: { rows: OrderListRow[] }) {
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
          <th scope="col" className={th}>{t.cols.orderNo}</th>
          <th scope="col" className={th}>{t.cols.time}</th>
          <th scope="col" className={thNum}>{t.cols.amount}</th>
          <th scope="col" className={thNum}>{t.cols.cash}</th>
          <th scope="col" className={thNum}>{t.cols.points}</th>
          <th scope="col" className={th}>{t.cols.status}</th>
          <th scope="col" className={th}>{t.cols.entries}</th>
          <th scope="col" className={thNum}>{t.cols.action}</th>
        </>
      }
    >
      {rows.map((r) => (
        <tr key={r.id} data-testid={`order-row-${r.orderNo}`}>
          <td className={cn(td, "font-mono text-xs")}>{r.orderNo}</td>
          <td className={cn(td, "text-muted")}>{formatShortDateTime(r.createdAt)}</td>
          <td className={tdNum}>
            <Money fen={r.amountFen} />
          </td>
          <td className={tdNum}>
            <Money fen={r.cashFen} />
          </td>
          <td className={tdNum}>{r.pointsUsed}</td>
          <td className={td}>
            <Badge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Badge>
          </td>
          <td className={cn(td, "text-muted")}>{entriesSummary(r.entries)}</td>
          <td className="px-2 py-1 text-right">
            <Refund row={r} place="table" />
          </td>
        </tr>
      ))}
    </Table>
  );
}
