import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, Money, PageHeader, type BadgeTone } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { customerBalances } from "@/lib/customers/summary";
import { formatShortDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { customerWithdrawals, withdrawalsToday, type WithdrawalStatus } from "@/lib/wallet/history";
import { WITHDRAWAL_RULES } from "@/lib/wallet/rules";
import { bpsPercent } from "../../_ui/format";
import { WithdrawForm } from "./withdraw-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const [t, ts] = await Promise.all([getTranslations("customer.wallet"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

const STATUS_TONE: Record<WithdrawalStatus, BadgeTone> = { requested: "warn", paid: "success", rejected: "neutral" };

export default async function WalletPage() {
  const viewer = await requireViewer(undefined, { next: "/me/wallet" });
  const [balances, history, today, t, locale] = await Promise.all([
    customerBalances(viewer.userId),
    customerWithdrawals(viewer.userId),
    withdrawalsToday(viewer.userId),
    getTranslations("customer.wallet"),
    getLocale(),
  ]);
  const { minFen, maxFen, maxPerDay, feeBps } = WITHDRAWAL_RULES;
  const rules = [
    t("rule1", { min: formatFen(minFen), max: formatFen(maxFen) }),
    feeBps === 0 ? t("rule2Free") : t("rule2Fee", { rate: bpsPercent(feeBps) }),
    t("rule3", { max: maxPerDay }),
    t("rule4"),
    t("rule5"),
  ];
  const disabledReason =
    today >= WITHDRAWAL_RULES.maxPerDay
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
        <WithdrawForm walletFen={balances.walletFen} disabledReason={disabledReason} />
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
                  </span>
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
