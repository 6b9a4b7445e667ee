import Link from "next/link";
import { Card, EmptyState, Money } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { customerBalances, customerHistory } from "@/lib/customers/summary";
import { formatShortDateTime } from "@/lib/format/datetime";
import { toCustomerLive } from "@/lib/customers/live";
import { customerEntries } from "@/lib/queue/position";
import { EntryStatusBadge } from "../_ui/entry-status";
import { ACCOUNT_LABEL, TX_KIND_LABEL } from "../_ui/labels";
import { SharedQueue } from "../_ui/shared-queue";
import { LiveQueue } from "./live-queue";

export const dynamic = "force-dynamic";
export const metadata = { title: "我的 · Freeline" };

export default async function MePage() {
  const viewer = await requireViewer(undefined, { next: "/me" });
  const [balances, entries, history] = await Promise.all([
    customerBalances(viewer.userId),
    customerEntries(viewer.userId),
    customerHistory(viewer.userId),
  ]);
  const waiting = entries.filter((e) => e.status === "waiting");
  const settled = entries.filter((e) => e.status !== "waiting");

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold text-ink">{viewer.displayName}</h1>

      <div className="grid grid-cols-2 gap-3">
        <Card title="钱包">
          <p className="text-2xl font-semibold" data-testid="wallet-balance">
            <Money fen={balances.walletFen} />
          </p>
          <p className="mt-1 text-xs text-muted">免单到账的金额，可申请提现</p>
          <Link className="mt-2 inline-block text-sm font-medium text-brand-700 underline" href="/me/wallet">
            提现与明细 ›
          </Link>
        </Card>
        <Card title="积分">
          <p className="text-2xl font-semibold" data-testid="points-available">{balances.pointsAvailable}</p>
          <p className="mt-1 text-xs text-muted" data-testid="points-locked">
            可用 · 另有 {balances.pointsLocked} 待释放
          </p>
          <Link className="mt-2 inline-block text-sm font-medium text-brand-700 underline" href="/me/points">
            释放与到期 ›
          </Link>
        </Card>
      </div>

      <Card title="我的排队">
        <LiveQueue initial={toCustomerLive(entries, balances.walletFen)} />
        {/* Queues shared by an alliance name their stores, once per queue. */}
        {[...new Set(waiting.map((e) => e.queueId))].map((queueId) => (
          <SharedQueue key={queueId} queueId={queueId} className="mt-3" />
        ))}
      </Card>

      {settled.length > 0 ? (
        <Card title="已结束的排队">
          <ul className="divide-y divide-line text-sm">
            {settled.map((e) => (
              <li key={e.id} className="flex items-center justify-between py-2">
                <span>
                  {e.queueName} · <Money fen={e.targetFen} />
                </span>
                <EntryStatusBadge status={e.status} paidKind={e.paidKind} />
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Card title="钱包与积分明细">
        {history.length === 0 ? (
          <EmptyState title="还没有记录" description="下单、免单到账和积分变化都会记在这里。" />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="history">
            {history.map((h, i) => (
              <li key={`${h.transactionId}-${h.account}-${i}`} className="flex items-center justify-between gap-3 py-2">
                <span className="min-w-0">
                  <span className="block">{TX_KIND_LABEL[h.kind] ?? h.kind}{h.reason ? `：${h.reason}` : ""}</span>
                  <span className="block text-xs text-muted">
                    {ACCOUNT_LABEL[h.account]} · {formatShortDateTime(h.createdAt)}
                    {h.orderNo ? ` · ${h.orderNo}` : ""}
                  </span>
                </span>
                <span className={`shrink-0 tabular-nums ${h.amount > 0 ? "text-green-700" : "text-ink"}`}>
                  {h.account.startsWith("points") ? `${h.amount > 0 ? "+" : ""}${h.amount} 分` : <Money fen={h.amount} signed />}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
