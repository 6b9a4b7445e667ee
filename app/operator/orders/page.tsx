import type { Metadata } from "next";
import type { ReactNode } from "react";
import { z } from "zod";
import { Badge, Card, EmptyState, Money, PageHeader, SearchForm, Table, type BadgeTone } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { normalizeOrderNo, orderByNo, type OrderDetail, type OrderEntry } from "@/lib/orders/store-orders";
import { paymentProvider } from "@/lib/payments";
import { OperatorRefundForm } from "./refund-form";

export const metadata: Metadata = { title: "订单退款 · Freeline 运营" };

const t = {
  title: "订单退款",
  description: "按订单号查找任意商家的订单，并在规则允许时退款。每次退款都记入审计日志。",
  search: "订单号",
  searchPlaceholder: "FL2611…（完整订单号）",
  searchButton: "查找",
  notFound: (no: string) => `没有订单号为 ${no} 的订单`,
  notFoundBody: "请输入完整的订单号，大小写都可以。",
  start: "输入订单号开始",
  startBody: "订单号在顾客的订单结果页和商家的订单列表里。",
  order: (no: string) => `订单 ${no}`,
  fields: {
    store: "商家",
    customer: "顾客",
    created: "下单时间",
    paid: "支付时间",
    amount: "订单金额",
    cash: "现金",
    pointsUsed: "积分抵扣",
    shares: "让利 / 平台费 / 入池",
    pointsEarned: "获得积分",
    provider: "支付方式",
  },
  simulated: "模拟支付",
  entries: "排队条目",
  noEntries: "本单金额低于入队门槛，没有排队条目。",
  entryCols: { position: "位置", target: "免单金额", status: "状态", settled: "结束时间" },
  refundRecord: "退款记录",
  refundFields: { time: "时间", by: "操作人", amount: "退回现金", ref: "支付方退款单号", reason: "原因" },
  role: { merchant: "商家", operator: "运营" } as Record<string, string>,
};

const STATUS: Record<OrderDetail["status"], { label: string; tone: BadgeTone }> = {
  pending: { label: "待支付", tone: "neutral" },
  paid: { label: "已支付", tone: "success" },
  refunded: { label: "已退款", tone: "warn" },
};

const ENTRY_STATUS: Record<OrderEntry["status"], { label: string; tone: BadgeTone }> = {
  waiting: { label: "排队中", tone: "brand" },
  paid: { label: "已免单", tone: "success" },
  left: { label: "已退出", tone: "neutral" },
  cancelled: { label: "已取消", tone: "warn" },
};

const querySchema = z.object({ no: z.string().max(64).catch("").transform(normalizeOrderNo) });

export default async function OperatorOrdersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireViewer("operator", { next: "/operator/orders" });
  const raw = await searchParams;
  const { no } = querySchema.parse({ no: raw.no ?? "" });
  const order = no ? await orderByNo(no) : null;

  return (
    <div className="space-y-4">
      <PageHeader title={t.title} description={t.description} />

      <SearchForm
        action="/operator/orders"
        label={t.search}
        submit={t.searchButton}
        input={{ id: "order-no", name: "no", defaultValue: no, placeholder: t.searchPlaceholder, className: "font-mono uppercase", "data-testid": "order-no" }}
      />

      {!no ? (
        <EmptyState title={t.start} description={t.startBody} />
      ) : !order ? (
        <EmptyState title={t.notFound(no)} description={t.notFoundBody} />
      ) : (
        <OrderCard order={order} />
      )}
    </div>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-3 py-1.5 sm:block">
      <dt className="text-muted">{label}</dt>
      <dd className="text-right sm:mt-0.5 sm:text-left">{children}</dd>
    </div>
  );
}

function OrderCard({ order: o }: { order: OrderDetail }) {
  const simulated = paymentProvider(o.provider).simulated;
  return (
    <div className="space-y-4" data-testid="order-detail">
      <Card
        title={<span className="font-mono">{t.order(o.orderNo)}</span>}
        actions={
          <Badge tone={STATUS[o.status].tone}>
            <span data-testid="order-status">{STATUS[o.status].label}</span>
          </Badge>
        }
      >
        <dl className="grid gap-x-6 text-sm sm:grid-cols-3 sm:gap-y-3">
          <Field label={t.fields.store}>{o.storeName}</Field>
          <Field label={t.fields.customer}>
            {o.customerName} <span className="text-muted">@{o.customerUsername}</span>
          </Field>
          <Field label={t.fields.provider}>
            {o.provider}
            {simulated ? <span className="text-muted">（{t.simulated}）</span> : null}
          </Field>
          <Field label={t.fields.created}>{formatDateTime(o.createdAt, { seconds: true })}</Field>
          <Field label={t.fields.paid}>{o.paidAt ? formatDateTime(o.paidAt, { seconds: true }) : "—"}</Field>
          <Field label={t.fields.amount}>
            <Money fen={o.amountFen} />
          </Field>
          <Field label={t.fields.cash}>
            <Money fen={o.cashFen} />
          </Field>
          <Field label={t.fields.pointsUsed}>{o.pointsUsed}</Field>
          <Field label={t.fields.pointsEarned}>{o.pointsEarned}</Field>
          <Field label={t.fields.shares}>
            <Money fen={o.rebateFen} /> / <Money fen={o.platformFeeFen} /> / <Money fen={o.poolFen} />
          </Field>
        </dl>
      </Card>

      {/* Stays mounted from paid to refunded, so the result of a refund stays on screen. */}
      {o.status !== "pending" ? <OperatorRefundForm key={o.id} orderId={o.id} refundable={o.status === "paid"} /> : null}

      <Card title={t.entries}>
        {o.entryList.length === 0 ? (
          <p className="text-sm text-muted">{t.noEntries}</p>
        ) : (
          <Table
            data-testid="order-entries"
            head={
              <>
                <th scope="col" className="px-2 py-1.5 text-left font-medium">{t.entryCols.position}</th>
                <th scope="col" className="px-2 py-1.5 text-right font-medium">{t.entryCols.target}</th>
                <th scope="col" className="px-2 py-1.5 text-left font-medium">{t.entryCols.status}</th>
                <th scope="col" className="px-2 py-1.5 text-left font-medium">{t.entryCols.settled}</th>
              </>
            }
          >
            {o.entryList.map((e) => (
              <tr key={e.id}>
                <td className="px-2 py-1.5 tabular-nums">{e.position}</td>
                <td className="px-2 py-1.5 text-right">
                  <Money fen={e.targetFen} />
                </td>
                <td className="px-2 py-1.5">
                  <Badge tone={ENTRY_STATUS[e.status].tone}>{ENTRY_STATUS[e.status].label}</Badge>
                </td>
                <td className="px-2 py-1.5 text-muted tabular-nums">{e.settledAt ? formatDateTime(e.settledAt, { seconds: true }) : "—"}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>

      {o.refund ? (
        <Card title={t.refundRecord} data-testid="refund-record">
          <dl className="grid gap-x-6 text-sm sm:grid-cols-3 sm:gap-y-3">
            <Field label={t.refundFields.time}>{formatDateTime(o.refund.createdAt, { seconds: true })}</Field>
            <Field label={t.refundFields.by}>
              {o.refund.actorName} <span className="text-muted">（{t.role[o.refund.actorRole] ?? o.refund.actorRole}）</span>
            </Field>
            <Field label={t.refundFields.amount}>
              <Money fen={o.refund.amountFen} />
            </Field>
            <Field label={t.refundFields.ref}>
              <span className="font-mono text-xs">{o.refund.providerRef}</span>
            </Field>
            <Field label={t.refundFields.reason}>{o.refund.reason ?? "—"}</Field>
          </dl>
        </Card>
      ) : null}

    </div>
  );
}
