import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Card, EmptyState, Money } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { customerBalances, customerHistory } from "@/lib/customers/summary";
import { formatShortDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { toCustomerLive } from "@/lib/customers/live";
import { customerEntries } from "@/lib/queue/position";
import { EntryStatusBadge } from "../_ui/entry-status";
import { isCustomerAccount, historyLabel } from "../_ui/labels";
import { SharedQueue } from "../_ui/shared-queue";
import { LiveQueue } from "./live-queue";
import { LogoutButton } from "./logout-button";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const [t, ts] = await Promise.all([getTranslations("customer.me"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

export default async function MePage() {
  const viewer = await requireViewer(undefined, { next: "/me" });
  const [balances, entries, history, t, tl, tp, tpr, locale, tn] = await Promise.all([
    customerBalances(viewer.userId),
    customerEntries(viewer.userId),
    customerHistory(viewer.userId),
    getTranslations("customer.me"),
    getTranslations("customer.labels"),
    getTranslations("customer.password"),
    getTranslations("privacy.me"),
    getLocale(),
    getTranslations("notifications.list"),
  ]);
  const waiting = entries.filter((e) => e.status === "waiting");
  const settled = entries.filter((e) => e.status !== "waiting");

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="min-w-0 break-words text-2xl font-semibold text-ink">{viewer.displayName}</h1>
        <div className="flex items-center gap-2">
          <Link href="/me/notifications" className="inline-flex h-11 min-w-11 items-center px-1 text-sm font-medium text-brand-700 underline">
            {tn("title")}
          </Link>
          <Link href="/me/password" className="inline-flex h-11 min-w-11 items-center px-1 text-sm font-medium text-brand-700 underline">
            {tp("link")}
          </Link>
          <LogoutButton />
        </div>
      </div>

      <div className="grid grid-cols-2 gap-3">
        <Card title={t("wallet.title")}>
          <p className="text-2xl font-semibold" data-testid="wallet-balance">
            <Money fen={balances.walletFen} />
          </p>
          <p className="mt-1 text-xs text-muted">{t("wallet.body")}</p>
          <Link className="mt-1 inline-flex min-h-11 items-center text-sm font-medium text-brand-700 underline" href="/me/wallet">
            {t("wallet.link")}
          </Link>
        </Card>
        <Card title={t("points.title")}>
          <p className="text-2xl font-semibold" data-testid="points-available">{balances.pointsAvailable}</p>
          <p className="mt-1 text-xs text-muted" data-testid="points-locked">
            {t("points.body", { available: formatFen(balances.pointsAvailable), locked: balances.pointsLocked, lockedAmount: formatFen(balances.pointsLocked) })}
          </p>
          <Link className="mt-1 inline-flex min-h-11 items-center text-sm font-medium text-brand-700 underline" href="/me/points">
            {t("points.link")}
          </Link>
        </Card>
      </div>

      <Card title={t("queue.title")} id="queue" className="scroll-mt-20">
        <LiveQueue initial={toCustomerLive(entries, balances.walletFen)} />
        {/* Queues shared by an alliance name their stores, once per queue. */}
        {[...new Set(waiting.map((e) => e.queueId))].map((queueId) => (
          <SharedQueue key={queueId} queueId={queueId} className="mt-3" />
        ))}
      </Card>

      {settled.length > 0 ? (
        <Card title={t("settled.title")}>
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

      <Card title={t("history.title")} id="history" className="scroll-mt-20">
        {history.length === 0 ? (
          <EmptyState title={t("history.emptyTitle")} description={t("history.emptyBody")} />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="history">
            {history.map((h, i) => (
              <li key={`${h.transactionId}-${h.account}-${i}`} className="flex items-center justify-between gap-3 py-2">
                <span className="min-w-0">
                  <span className="block">
                    {historyLabel(tl, h)}
                  </span>
                  <span className="block text-xs text-muted">
                    {isCustomerAccount(h.account) ? tl(`account.${h.account}`) : h.account} · {formatShortDateTime(h.createdAt, { locale })}
                    {h.orderNo ? ` · ${h.orderNo}` : ""}
                  </span>
                </span>
                <span className={`shrink-0 tabular-nums ${h.amount > 0 ? "text-green-700" : "text-ink"}`}>
                  {h.account.startsWith("points") ? t("history.points", { amount: `${h.amount > 0 ? "+" : ""}${h.amount}`, value: formatFen(h.amount) }) : <Money fen={h.amount} signed />}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      {/* Personal data (PIPL): a copy of it, the notice, and leaving for good. */}
      <nav aria-label={tpr("privacy")} className="flex flex-wrap gap-x-4 text-sm" data-testid="privacy-links">
        <Link href="/me/data" className="inline-flex min-h-11 min-w-11 items-center justify-center px-1 text-brand-700 underline">
          {tpr("data")}
        </Link>
        <Link href="/privacy" className="inline-flex min-h-11 min-w-11 items-center justify-center px-1 text-brand-700 underline">
          {tpr("privacy")}
        </Link>
        <Link href="/me/delete" className="inline-flex min-h-11 min-w-11 items-center justify-center px-1 text-danger underline">
          {tpr("delete")}
        </Link>
      </nav>
    </div>
  );
}
