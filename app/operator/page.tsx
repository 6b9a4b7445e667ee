import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge, Card, EmptyState, Money, PageHeader } from "@/app/_components";
import { latestAudit } from "@/lib/audit/list";
import { requireViewer } from "@/lib/auth/session";
import { formatMonthDayTime } from "@/lib/format/datetime";
import { merchantApplications, pendingWithdrawals } from "@/lib/operator/overview";
import { readyQueues } from "@/lib/queue/ready";

export const metadata: Metadata = { title: "概览 · Freeline 运营" };

const t = {
  title: "运营概览",
  description: "需要处理的事：待派发的队列、待审核的提现、商家入驻申请，以及账本状态。",
  ready: "待派发队列",
  readyEmpty: "没有待派发的队列",
  readyEmptyBody: "奖池够付队首时，队列会出现在这里。",
  readyMore: (n: number) => `还有 ${n} 个队列`,
  toPayouts: "去派发",
  mode: { auto: "自动", manual: "人工" },
  poolHead: "奖池 / 队首",
  waiting: (n: number) => `${n} 笔排队`,
  withdrawals: "待审核提现",
  withdrawalsEmpty: "没有待审核的提现",
  withdrawalsTotal: "合计",
  oldestWithdrawal: (who: string) => `最早一笔：${who}`,
  toWithdrawals: "去审核",
  applications: "商家入驻申请",
  applicationsEmpty: "没有待审核的申请",
  oldestApplication: "最早一份：",
  toMerchants: "去审核",
  ledger: "账本状态",
  ledgerNever: "还没有运行过不变量检查。",
  ledgerOk: "全部不变量通过",
  ledgerBad: (n: number) => `${n} 处违规`,
  ledgerWhen: (at: string, who: string) => `上次检查：${at} · ${who}`,
  ledgerNote: "检查会读取全部分录，所以概览只显示上次结果；在账本页运行新的检查。",
  toLedger: "去账本",
  system: "系统",
  since: "提交于",
};

const READY_SHOWN = 8;

function Stat({ label, value, href, cta, testId, children }: { label: string; value: ReactNode; href: string; cta: string; testId: string; children?: ReactNode }) {
  return (
    <Card className="flex flex-col" data-testid={testId}>
      <div className="flex items-start justify-between gap-2">
        <p className="text-sm text-muted">{label}</p>
        <Link href={href} className="shrink-0 text-sm font-medium text-brand-700 underline">
          {cta}
        </Link>
      </div>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid={`${testId}-count`}>
        {value}
      </p>
      {children ? <div className="mt-2 text-sm">{children}</div> : null}
    </Card>
  );
}

/** The operator's landing page: what needs attention now. Cheap queries only. */
export default async function OperatorOverview() {
  await requireViewer("operator", { next: "/operator" });
  const [ready, withdrawals, applications, lastCheck] = await Promise.all([
    readyQueues(),
    pendingWithdrawals(),
    merchantApplications(),
    latestAudit("ledger.verify"),
  ]);
  const violations = Number(lastCheck?.details.violations ?? 0);

  return (
    <div className="space-y-4">
      <PageHeader title={t.title} description={t.description} />

      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label={t.ready} value={ready.length} href="/operator/payouts" cta={t.toPayouts} testId="overview-ready" />
        <Stat label={t.withdrawals} value={withdrawals.count} href="/operator/withdrawals" cta={t.toWithdrawals} testId="overview-withdrawals">
          {withdrawals.oldest ? (
            <>
              <p>
                {t.withdrawalsTotal} <Money fen={withdrawals.totalFen} />
              </p>
              <p className="text-muted">
                {t.oldestWithdrawal(withdrawals.oldest.userName)} · <Money fen={withdrawals.oldest.amountFen} /> · {t.since}{" "}
                {formatMonthDayTime(withdrawals.oldest.createdAt)}
              </p>
            </>
          ) : (
            <p className="text-muted">{t.withdrawalsEmpty}</p>
          )}
        </Stat>
        <Stat label={t.applications} value={applications.count} href="/operator/merchants" cta={t.toMerchants} testId="overview-applications">
          {applications.oldest ? (
            <p className="text-muted">
              {t.oldestApplication}
              {applications.oldest.name}（{applications.oldest.slug}）· {t.since} {formatMonthDayTime(applications.oldest.createdAt)}
            </p>
          ) : (
            <p className="text-muted">{t.applicationsEmpty}</p>
          )}
        </Stat>
        <Card className="flex flex-col" data-testid="overview-ledger">
          <div className="flex items-start justify-between gap-2">
            <p className="text-sm text-muted">{t.ledger}</p>
            <Link href="/operator/ledger" className="shrink-0 text-sm font-medium text-brand-700 underline">
              {t.toLedger}
            </Link>
          </div>
          {lastCheck ? (
            <>
              <p className="mt-2">
                <Badge tone={violations === 0 ? "success" : "danger"}>
                  <span data-testid="overview-ledger-status">{violations === 0 ? t.ledgerOk : t.ledgerBad(violations)}</span>
                </Badge>
              </p>
              <p className="mt-2 text-sm text-muted">
                {t.ledgerWhen(formatMonthDayTime(lastCheck.createdAt), lastCheck.actorName ?? t.system)}
              </p>
            </>
          ) : (
            <p className="mt-2 text-sm" data-testid="overview-ledger-status">
              {t.ledgerNever}
            </p>
          )}
          <p className="mt-2 text-xs text-muted">{t.ledgerNote}</p>
        </Card>
      </div>

      <Card
        title={`${t.ready}（${ready.length}）`}
        actions={
          <Link href="/operator/payouts" className="text-sm font-medium text-brand-700 underline">
            {t.toPayouts}
          </Link>
        }
      >
        {ready.length === 0 ? (
          <EmptyState title={t.readyEmpty} description={t.readyEmptyBody} className="py-6" />
        ) : (
          <ul className="divide-y divide-line" data-testid="overview-ready-list">
            {ready.slice(0, READY_SHOWN).map((q) => (
              <li key={q.queueId} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span>
                  <Link href="/operator/payouts" className="font-medium text-brand-700 underline">
                    {q.name}
                  </Link>
                  <span className="ml-1.5 text-xs text-muted">#{q.queueId}</span>
                  <Badge tone={q.payoutMode === "auto" ? "brand" : "warn"} className="ml-2">
                    {t.mode[q.payoutMode]}
                  </Badge>
                </span>
                <span className="text-muted">
                  {t.poolHead} <Money fen={q.poolFen} /> / <Money fen={q.headTargetFen} /> · {t.waiting(q.waitingCount)}
                </span>
              </li>
            ))}
            {ready.length > READY_SHOWN ? (
              <li className="py-2 text-sm text-muted">{t.readyMore(ready.length - READY_SHOWN)}</li>
            ) : null}
          </ul>
        )}
      </Card>
    </div>
  );
}
