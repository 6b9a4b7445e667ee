import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, Money, PageHeader, type BadgeTone } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { customerBalances } from "@/lib/customers/summary";
import { formatShortDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { customerWithdrawals, withdrawalsToday, type WithdrawalStatus } from "@/lib/wallet/history";
import { payerDevice } from "@/lib/payments";
import { boundAccounts } from "@/lib/wallet/payout-accounts";
import { WITHDRAWAL_RULES } from "@/lib/wallet/rules";
import { wechatBindingAvailable } from "@/lib/wallet/wechat-binding";
import { headers } from "next/headers";
import { bpsPercent } from "../../_ui/format";
import { BindAlipayForm } from "./bind-alipay-form";
import { WithdrawForm } from "./withdraw-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const [t, ts] = await Promise.all([getTranslations("customer.wallet"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

const STATUS_TONE: Record<WithdrawalStatus, BadgeTone> = {
  requested: "warn",
  approved: "brand",
  sending: "brand",
  paid: "success",
  failed: "danger",
  rejected: "neutral",
};

const BIND_OUTCOMES = ["wechat-bound", "wechat-failed", "wechat-state"] as const;

export default async function WalletPage({ searchParams }: { searchParams: Promise<{ bind?: string }> }) {
  const viewer = await requireViewer(undefined, { next: "/me/wallet" });
  const [balances, history, today, accounts, h, sp, t, tp, locale] = await Promise.all([
    customerBalances(viewer.userId),
    customerWithdrawals(viewer.userId),
    withdrawalsToday(viewer.userId),
    boundAccounts(viewer.userId),
    headers(),
    searchParams,
    getTranslations("customer.wallet"),
    getTranslations("customer.wallet.payout"),
    getLocale(),
  ]);
  const bindOutcome = BIND_OUTCOMES.find((o) => o === sp.bind) ?? null;
  // WeChat's OAuth works only in WeChat's own browser.
  const wechatOn = wechatBindingAvailable();
  const canBindWechat = wechatOn && payerDevice(h.get("user-agent")) === "wechat";
  const wechat = accounts.find((a) => a.kind === "wechat");
  const alipay = accounts.find((a) => a.kind === "alipay");
  const { minFen, maxFen, maxPerDay, feeBps } = WITHDRAWAL_RULES;
  const rules = [
    t("rule1", { min: formatFen(minFen), max: formatFen(maxFen) }),
    feeBps === 0 ? t("rule2Free") : t("rule2Fee", { rate: bpsPercent(feeBps) }),
    t("rule3", { max: maxPerDay }),
    t("rule4"),
    t("rule5"),
  ];
  const disabledReason =
    accounts.length === 0
      ? t("withdraw.noAccount")
      : today >= WITHDRAWAL_RULES.maxPerDay
      ? t("dailyReached", { max: maxPerDay })
      : balances.walletFen < minFen
        ? t("belowMin", { balance: formatFen(balances.walletFen), min: formatFen(minFen) })
        : null;

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("title")}
        description={t("description")}
        back={{ href: "/me", label: t("back") }}
      />

      <div className="grid grid-cols-2 gap-3">
        <Card title={t("wallet")}>
          <p className="text-2xl font-semibold" data-testid="wallet-balance">
            <Money fen={balances.walletFen} />
          </p>
          <p className="mt-1 text-xs text-muted">{t("walletNote")}</p>
        </Card>
        <Card title={t("pending")}>
          <p className="text-2xl font-semibold" data-testid="pending-withdrawals">
            <Money fen={balances.pendingWithdrawalFen} />
          </p>
          <p className="mt-1 text-xs text-muted">{t("pendingNote")}</p>
        </Card>
      </div>

      <Card title={t("form")} actions={<span className="text-xs text-muted" data-testid="withdrawals-today">{t("today", { count: today, max: maxPerDay })}</span>}>
        <WithdrawForm walletFen={balances.walletFen} disabledReason={disabledReason} accounts={accounts.map((a) => ({ id: a.id, kind: a.kind, masked: a.masked }))} />
      </Card>

      <Card title={tp("title")} data-testid="payout-accounts">
        <p className="mb-3 text-xs text-muted">{tp("note")}</p>
        {bindOutcome === "wechat-bound" && wechat ? (
          <p role="status" className="mb-3 rounded-xl bg-green-50 px-3 py-2 text-sm text-green-800">{tp("wechatBound", { account: wechat.masked })}</p>
        ) : bindOutcome === "wechat-failed" || bindOutcome === "wechat-state" ? (
          <p role="alert" className="mb-3 rounded-xl bg-red-50 px-3 py-2 text-sm text-danger">{tp("wechatFailed")}</p>
        ) : null}
        {accounts.length === 0 ? (
          <EmptyState title={tp("empty")} description={tp("emptyBody")} className="py-4" />
        ) : (
          <ul className="mb-3 divide-y divide-line text-sm">
            {accounts.map((a) => (
              <li key={a.id} className="flex items-center justify-between gap-3 py-2" data-testid={`payout-${a.kind}`}>
                <span className="font-medium">{tp(`kind.${a.kind}`)}</span>
                <span className="font-mono text-muted">{a.masked}</span>
              </li>
            ))}
          </ul>
        )}
        <div className="space-y-3">
          <BindAlipayForm replacing={alipay !== undefined} />
          {canBindWechat ? (
            <a href="/me/wallet/wechat" className="inline-flex items-center rounded-xl border border-line px-3 py-2 text-sm font-medium text-brand-700" data-testid="bind-wechat">
              {wechat ? tp("replaceWechat") : tp("bindWechat")}
            </a>
          ) : wechatOn && !wechat ? (
            <p className="text-xs text-muted">{tp("wechatHint")}</p>
          ) : null}
        </div>
      </Card>

      <Card title={t("rules")}>
        <ul className="list-disc space-y-1 pl-5 text-sm text-ink" data-testid="withdrawal-rules">
          {rules.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </Card>

      <Card title={t("history")}>
        {history.length === 0 ? (
          <EmptyState title={t("historyEmpty")} description={t("historyEmptyBody")} className="py-6" />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="withdrawal-history">
            {history.map((w) => (
              <li key={w.id} className="flex items-start justify-between gap-3 py-2" data-testid={`withdrawal-${w.id}`}>
                <span className="min-w-0">
                  <span className="block font-medium">
                    <Money fen={w.amountFen} />
                  </span>
                  <span className="block text-xs text-muted">
                    {formatShortDateTime(w.createdAt, { locale })}
                    {w.feeFen > 0 ? ` · ${t("fee", { fee: formatFen(w.feeFen) })}` : ""}
                    {w.decidedAt ? ` · ${t("decidedAt", { at: formatShortDateTime(w.decidedAt, { locale }) })}` : ""}
                    {w.account ? ` · ${t("paidTo", { account: `${tp(`kind.${w.account.kind}`)} ${w.account.masked}` })}` : ""}
                  </span>
                  {w.status === "failed" && w.failureReason ? (
                    <span className="block text-xs text-danger" data-testid={`withdrawal-${w.id}-failure`}>{t("failReason", { reason: w.failureReason })}</span>
                  ) : null}
                  {w.status === "rejected" && w.reason ? (
                    <span className="block text-xs text-ink">{t("rejectReason", { reason: w.reason })}</span>
                  ) : null}
                </span>
                <Badge tone={STATUS_TONE[w.status]} className="shrink-0">
                  {t(`status.${w.status}`)}
                </Badge>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
