import type { Metadata } from "next";
import { Badge, Card, EmptyState, Money, PageHeader, Table, td, tdNum, Th, type BadgeTone } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { decidedWithdrawals, pendingWithdrawals, pendingWithdrawalTotals, type WithdrawalStatus } from "@/lib/wallet/history";
import { DecisionButtons, DecisionProvider, DecisionStatus } from "./decision-buttons";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "提现审核 · Freeline 运营" };

const PENDING_LIMIT = 200;
const HISTORY_LIMIT = 50;

const t = {
  title: "提现审核",
  description: "顾客的提现申请，先到先审。批准即标记为已打款（经支付通道付出）；驳回需填写原因，金额退回顾客钱包。每个决定都记入审计日志。",
  pending: "待审核",
  pendingNote: (n: number) => `${n} 笔，共 `,
  pendingEmpty: "没有待审核的提现",
  pendingEmptyBody: "顾客提交提现申请后会出现在这里。",
  more: `只显示最早的 ${PENDING_LIMIT} 笔。`,
  cols: { id: "编号", time: "申请时间", customer: "顾客", amount: "金额", fee: "手续费", net: "到账", actions: "操作" },
  history: "已处理",
  historyNote: `最近 ${HISTORY_LIMIT} 笔`,
  historyEmpty: "还没有处理过的提现",
  historyCols: { decided: "处理时间", id: "编号", customer: "顾客", amount: "金额", status: "结果", by: "处理人", reason: "原因" },
};

const STATUS: Record<WithdrawalStatus, { label: string; tone: BadgeTone }> = {
  requested: { label: "待审核", tone: "warn" },
  paid: { label: "已打款", tone: "success" },
  rejected: { label: "已驳回", tone: "danger" },
};

function Customer({ name, username }: { name: string; username: string }) {
  return (
    <span className="block max-w-[12rem] truncate" title={`${name} (${username})`}>
      <span className="font-medium">{name}</span>
      <span className="ml-1.5 text-xs text-muted">{username}</span>
    </span>
  );
}

export default async function OperatorWithdrawalsPage() {
  await requireViewer("operator", { next: "/operator/withdrawals" });
  const [pending, totals, history] = await Promise.all([
    pendingWithdrawals(PENDING_LIMIT),
    pendingWithdrawalTotals(),
    decidedWithdrawals(HISTORY_LIMIT),
  ]);

  return (
    <div className="space-y-4">
      <PageHeader title={t.title} description={t.description} />

      <DecisionProvider>
        <Card
          title={`${t.pending}（${totals.count}）`}
          actions={
            <span className="text-xs text-muted" data-testid="pending-totals">
              {t.pendingNote(totals.count)}
              <Money fen={totals.amountFen} />
            </span>
          }
        >
          <div className="mb-3">
            <DecisionStatus />
          </div>
          {pending.length === 0 ? (
            <EmptyState title={t.pendingEmpty} description={t.pendingEmptyBody} className="py-6" />
          ) : (
            <>
              <Table
                data-testid="pending-withdrawals"
                head={
                  <>
                    <Th>{t.cols.id}</Th>
                    <Th>{t.cols.time}</Th>
                    <Th>{t.cols.customer}</Th>
                    <Th num>{t.cols.amount}</Th>
                    <Th num>{t.cols.fee}</Th>
                    <Th num>{t.cols.net}</Th>
                    <Th num>{t.cols.actions}</Th>
                  </>
                }
              >
                {pending.map((w) => (
                  <tr key={w.id} data-testid={`pending-withdrawal-${w.id}`} className="align-top">
                    <td className={`${td} text-muted`}>#{w.id}</td>
                    <td className={`${td} text-muted tabular-nums`}>{formatDateTime(w.createdAt)}</td>
                    <td className={td}>
                      <Customer name={w.customerName} username={w.username} />
                    </td>
                    <td className={tdNum}>
                      <Money fen={w.amountFen} />
                    </td>
                    <td className={tdNum}>
                      <Money fen={w.feeFen} />
                    </td>
                    <td className={tdNum}>
                      <Money fen={w.amountFen - w.feeFen} />
                    </td>
                    <td className="px-2 py-1">
                      <DecisionButtons withdrawalId={w.id} amountFen={w.amountFen} />
                    </td>
                  </tr>
                ))}
              </Table>
              {totals.count > pending.length ? <p className="mt-2 text-xs text-muted">{t.more}</p> : null}
            </>
          )}
        </Card>
      </DecisionProvider>

      <Card title={t.history} note={t.historyNote}>
        {history.length === 0 ? (
          <EmptyState title={t.historyEmpty} className="py-6" />
        ) : (
          <Table
            data-testid="withdrawal-history"
            head={
              <>
                <Th>{t.historyCols.decided}</Th>
                <Th>{t.historyCols.id}</Th>
                <Th>{t.historyCols.customer}</Th>
                <Th num>{t.historyCols.amount}</Th>
                <Th>{t.historyCols.status}</Th>
                <Th>{t.historyCols.by}</Th>
                <Th>{t.historyCols.reason}</Th>
              </>
            }
          >
            {history.map((w) => (
              <tr key={w.id} data-testid={`decided-withdrawal-${w.id}`}>
                <td className={`${td} text-muted tabular-nums`}>{w.decidedAt ? formatDateTime(w.decidedAt) : ""}</td>
                <td className={`${td} text-muted`}>#{w.id}</td>
                <td className={td}>
                  <Customer name={w.customerName} username={w.username} />
                </td>
                <td className={tdNum}>
                  <Money fen={w.amountFen} />
                </td>
                <td className={td}>
                  <Badge tone={STATUS[w.status].tone}>{STATUS[w.status].label}</Badge>
                </td>
                <td className={`${td} max-w-[8rem] truncate`}>{w.decidedByName ?? ""}</td>
                <td className="min-w-[10rem] px-2 py-1.5 text-muted">{w.reason ?? ""}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </div>
  );
}
