import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { Badge, buttonClass, Card, cn, EmptyState, Input, Money, PageHeader, type BadgeTone } from "@/app/_components";
import { requireMerchant } from "@/lib/auth/session";
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
  prev: "上一页",
  next: "下一页",
  pageOf: (page: number, pages: number, total: number) => `第 ${page} / ${pages} 页，共 ${total} 笔`,
  pagination: "分页",
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

const dateTime = new Intl.DateTimeFormat("zh-CN", { dateStyle: "short", timeStyle: "short", timeZone: "Asia/Shanghai" });

const querySchema = z.object({
  q: z.string().max(64).catch("").transform(normalizeOrderNo),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});
type Query = z.output<typeof querySchema>;

function href(q: Query): string {
  const params = new URLSearchParams();
  if (q.q) params.set("q", q.q);
  if (q.page !== 1) params.set("page", String(q.page));
  const s = params.toString();
  return s ? `/merchant/orders?${s}` : "/merchant/orders";
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

      <form role="search" action="/merchant/orders" className="flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1 space-y-1.5">
          <label htmlFor="order-search" className="block text-sm font-medium">
            {t.search}
          </label>
          <Input
            id="order-search"
            name="q"
            defaultValue={query.q}
            placeholder={t.searchPlaceholder}
            autoComplete="off"
            spellCheck={false}
            className="font-mono uppercase"
            data-testid="order-search"
          />
        </div>
        <button type="submit" className={buttonClass("primary", "md")}>
          {t.searchButton}
        </button>
        {query.q ? (
          <Link href="/merchant/orders" className={buttonClass("ghost", "md")}>
            {t.clear}
          </Link>
        ) : null}
      </form>

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
            <Pager query={query} pages={pages} total={total} />
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
              {dateTime.format(r.createdAt)} · {entriesSummary(r.entries)}
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
    <div className="hidden overflow-x-auto sm:block">
      <table className="w-full text-sm" data-testid="order-table">
        <thead className="border-b border-line text-muted">
          <tr>
            <th scope="col" className={th}>{t.cols.orderNo}</th>
            <th scope="col" className={th}>{t.cols.time}</th>
            <th scope="col" className={thNum}>{t.cols.amount}</th>
            <th scope="col" className={thNum}>{t.cols.cash}</th>
            <th scope="col" className={thNum}>{t.cols.points}</th>
            <th scope="col" className={th}>{t.cols.status}</th>
            <th scope="col" className={th}>{t.cols.entries}</th>
            <th scope="col" className={thNum}>{t.cols.action}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {rows.map((r) => (
            <tr key={r.id} data-testid={`order-row-${r.orderNo}`}>
              <td className={cn(td, "font-mono text-xs")}>{r.orderNo}</td>
              <td className={cn(td, "text-muted")}>{dateTime.format(r.createdAt)}</td>
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
        </tbody>
      </table>
    </div>
  );
}

function Pager({ query, pages, total }: { query: Query; pages: number; total: number }) {
  const link = "rounded-lg px-3 py-1.5 font-medium text-brand-700 ring-1 ring-inset ring-brand-200 hover:bg-brand-50";
  const off = "rounded-lg px-3 py-1.5 text-muted/60 ring-1 ring-inset ring-line";
  return (
    <nav aria-label={t.pagination} className="mt-3 flex items-center justify-between gap-2 text-sm">
      {query.page > 1 ? (
        <Link href={href({ ...query, page: Math.min(query.page - 1, pages) })} className={link} rel="prev">
          {t.prev}
        </Link>
      ) : (
        <span className={off} aria-disabled="true">{t.prev}</span>
      )}
      <span className="text-muted">{t.pageOf(query.page, pages, total)}</span>
      {query.page < pages ? (
        <Link href={href({ ...query, page: query.page + 1 })} className={link} rel="next">
          {t.next}
        </Link>
      ) : (
        <span className={off} aria-disabled="true">{t.next}</span>
      )}
    </nav>
  );
}
