import type { Metadata } from "next";
import Link from "next/link";
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
export const metadata: Metadata = { title: "钱包与提现 · Freeline" };

const STATUS: Record<WithdrawalStatus, { label: string; tone: BadgeTone }> = {
  requested: { label: "审核中", tone: "warn" },
  paid: { label: "已打款", tone: "success" },
  rejected: { label: "已驳回，已退回钱包", tone: "neutral" },
};

const t = {
  title: "钱包与提现",
  description: "钱包里是免单到账的金额，可以申请提现到你的收款账户。",
  back: "返回我的",
  wallet: "钱包余额",
  walletNote: "可申请提现",
  pending: "提现中",
  pendingNote: "已申请、等待平台打款",
  form: "申请提现",
  rules: "提现规则",
  history: "提现记录",
  historyEmpty: "还没有提现记录",
  historyEmptyBody: "提交提现申请后，审核和打款状态会显示在这里。",
  dailyReached: `今天已申请 ${WITHDRAWAL_RULES.maxPerDay} 次，请明天（北京时间 0 点后）再来。`,
  belowMin: (fen: number) => `钱包余额 ${formatFen(fen)}，满 ${formatFen(WITHDRAWAL_RULES.minFen)} 才可提现。`,
  today: (n: number) => `今天已申请 ${n} / ${WITHDRAWAL_RULES.maxPerDay} 次`,
  fee: (fen: number) => `手续费 ${formatFen(fen)}`,
};

const RULES = [
  `单笔最低 ${formatFen(WITHDRAWAL_RULES.minFen)}，最高 ${formatFen(WITHDRAWAL_RULES.maxFen)}，且不超过钱包余额。`,
  WITHDRAWAL_RULES.feeBps === 0
    ? "提现手续费 0%：申请多少，到账多少。"
    : `提现手续费 ${bpsPercent(WITHDRAWAL_RULES.feeBps)}（向下取整到分），到账金额 = 提现金额 − 手续费。`,
  `每天最多申请 ${WITHDRAWAL_RULES.maxPerDay} 次（按北京时间计算，被驳回的申请也计入次数）。`,
  "提交时需再次输入登录密码。申请后金额转入“提现中”，由平台审核打款；如被驳回，金额全额退回钱包，并注明原因。",
  "只有钱包中的免单金额可以提现；积分不可转让、不可提现。",
];

export default async function WalletPage() {
  const viewer = await requireViewer(undefined, { next: "/me/wallet" });
  const [balances, history, today] = await Promise.all([
    customerBalances(viewer.userId),
    customerWithdrawals(viewer.userId),
    withdrawalsToday(viewer.userId),
  ]);
  const disabledReason =
    today >= WITHDRAWAL_RULES.maxPerDay
      ? t.dailyReached
      : balances.walletFen < WITHDRAWAL_RULES.minFen
        ? t.belowMin(balances.walletFen)
        : null;

  return (
    <div className="space-y-4">
      <PageHeader
        title={t.title}
        description={t.description}
        actions={
          <Link href="/me" className="text-sm font-medium text-brand-700 underline">
            {t.back}
          </Link>
        }
      />

      <div className="grid grid-cols-2 gap-3">
        <Card title={t.wallet}>
          <p className="text-2xl font-semibold" data-testid="wallet-balance">
            <Money fen={balances.walletFen} />
          </p>
          <p className="mt-1 text-xs text-muted">{t.walletNote}</p>
        </Card>
        <Card title={t.pending}>
          <p className="text-2xl font-semibold" data-testid="pending-withdrawals">
            <Money fen={balances.pendingWithdrawalFen} />
          </p>
          <p className="mt-1 text-xs text-muted">{t.pendingNote}</p>
        </Card>
      </div>

      <Card title={t.form} actions={<span className="text-xs text-muted" data-testid="withdrawals-today">{t.today(today)}</span>}>
        <WithdrawForm walletFen={balances.walletFen} disabledReason={disabledReason} />
      </Card>

      <Card title={t.rules}>
        <ul className="list-disc space-y-1 pl-5 text-sm text-ink" data-testid="withdrawal-rules">
          {RULES.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </Card>

      <Card title={t.history}>
        {history.length === 0 ? (
          <EmptyState title={t.historyEmpty} description={t.historyEmptyBody} className="py-6" />
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="withdrawal-history">
            {history.map((w) => (
              <li key={w.id} className="flex items-start justify-between gap-3 py-2" data-testid={`withdrawal-${w.id}`}>
                <span className="min-w-0">
                  <span className="block font-medium">
                    <Money fen={w.amountFen} />
                  </span>
                  <span className="block text-xs text-muted">
                    {formatShortDateTime(w.createdAt)}
                    {w.feeFen > 0 ? ` · ${t.fee(w.feeFen)}` : ""}
                    {w.decidedAt ? ` · 处理于 ${formatShortDateTime(w.decidedAt)}` : ""}
                  </span>
                  {w.status === "rejected" && w.reason ? (
                    <span className="block text-xs text-ink">驳回原因：{w.reason}</span>
                  ) : null}
                </span>
                <Badge tone={STATUS[w.status].tone} className="shrink-0">
                  {STATUS[w.status].label}
                </Badge>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
