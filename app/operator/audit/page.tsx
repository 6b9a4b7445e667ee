import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { Button, Card, EmptyState, PageHeader, Pager, Table, td, Th } from "@/app/_components";
import { pagedHref, pageParam } from "@/app/_components/paging";
import { AUDIT_PAGE_SIZE, auditActions, listAudit, type AuditLine } from "@/lib/audit/list";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";

export const metadata: Metadata = { title: "审计日志 · Freeline 运营" };

const t = {
  title: "审计日志",
  description: "每一次运营操作：谁、做了什么、对象、原因、时间和详情。最新在前。",
  filter: "操作类型",
  all: "全部操作",
  apply: "筛选",
  empty: "还没有审计记录",
  emptyFiltered: "没有这类操作的记录",
  emptyBody: "运营在后台执行的操作会记录在这里。",
  pageEmpty: "这一页没有记录",
  backToFirst: "回到第一页",
  cols: { time: "时间", who: "操作人", action: "操作", subject: "对象", reason: "原因", details: "详情" },
  system: "系统",
  noDetails: "—",
  showDetails: "查看",
};

/** Names for the actions the console knows; any other action shows its code. */
const ACTION_LABEL: Record<string, string> = {
  "queue.drain": "运行派发",
  "queue.draw": "幸运抽奖",
  "ledger.verify": "账本检查",
  "payouts.export": "导出派发 CSV",
  "merchant.apply": "商家申请",
  "merchant.reapply": "商家重新申请",
  "merchant.approve": "批准商家",
  "merchant.reject": "驳回商家",
  "rules.change": "修改规则",
  "alliance.form": "组建联盟",
  "order.refund": "订单退款",
  "withdrawal.approve": "批准提现",
  "withdrawal.reject": "驳回提现",
  "points.adjust": "积分调整",
  "points.release": "积分释放",
  "points.expire": "积分过期",
};

/** `?action=` and `?page=`: anything unexpected falls back to the default rather than erroring. */
const querySchema = z.object({
  action: z.string().trim().min(1).max(64).optional().catch(undefined),
  page: pageParam,
});
type Query = z.output<typeof querySchema>;

function href(q: Query): string {
  return pagedHref("/operator/audit", q);
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireViewer("operator", { next: "/operator/audit" });
  const query = querySchema.parse(await searchParams);
  const [actions, list] = await Promise.all([auditActions(), listAudit({ action: query.action, page: query.page })]);
  const pages = Math.max(1, Math.ceil(list.total / AUDIT_PAGE_SIZE));
  // Keep an unknown filter selectable, so the form shows what is applied.
  const options = query.action && !actions.includes(query.action) ? [query.action, ...actions] : actions;

  return (
    <div className="space-y-4">
      <PageHeader title={t.title} description={t.description} />
      <Card
        actions={
          <form method="get" action="/operator/audit" className="flex items-center gap-2">
            <label htmlFor="audit-action" className="text-sm text-muted">
              {t.filter}
            </label>
            <select
              id="audit-action"
              name="action"
              defaultValue={query.action ?? ""}
              className="h-8 rounded-lg border border-line bg-surface px-2 text-sm"
              data-testid="audit-action-filter"
            >
              <option value="">{t.all}</option>
              {options.map((a) => (
                <option key={a} value={a}>
                  {ACTION_LABEL[a] ? `${ACTION_LABEL[a]}（${a}）` : a}
                </option>
              ))}
            </select>
            <Button type="submit" size="sm" variant="secondary">
              {t.apply}
            </Button>
          </form>
        }
      >
        {list.total === 0 ? (
          <EmptyState title={query.action ? t.emptyFiltered : t.empty} description={t.emptyBody} className="py-6" />
        ) : list.rows.length === 0 ? (
          <EmptyState
            title={t.pageEmpty}
            action={
              <Link href={href({ ...query, page: 1 })} className="font-medium text-brand-700 underline">
                {t.backToFirst}
              </Link>
            }
            className="py-6"
          />
        ) : (
          <>
            <AuditTable rows={list.rows} />
            <Pager page={query.page} pages={pages} total={list.total} href={(page) => href({ ...query, page })} />
          </>
        )}
      </Card>
    </div>
  );
}

function AuditTable({ rows }: { rows: AuditLine[] }) {
  return (
    <Table
      data-testid="audit-log"
      head={
        <>
          <Th>{t.cols.time}</Th>
          <Th>{t.cols.who}</Th>
          <Th>{t.cols.action}</Th>
          <Th>{t.cols.subject}</Th>
          <Th>{t.cols.reason}</Th>
          <Th>{t.cols.details}</Th>
        </>
      }
    >
      {rows.map((r) => {
        const hasDetails = Object.keys(r.details).length > 0;
        return (
          <tr key={r.id} className="align-top" data-testid={`audit-${r.id}`}>
            <td className={`${td} text-muted tabular-nums`}>{formatDateTime(r.createdAt, { seconds: true })}</td>
            <td className={`${td} max-w-[10rem] truncate`} title={r.actorUsername ? `@${r.actorUsername}` : undefined}>
              {r.actorName ?? <span className="text-muted">{t.system}</span>}
            </td>
            <td className={td}>
              {ACTION_LABEL[r.action] ?? r.action}
              {ACTION_LABEL[r.action] ? <span className="block font-mono text-xs text-muted">{r.action}</span> : null}
            </td>
            <td className={`${td} font-mono text-xs`}>
              {r.subjectType} #{r.subjectId}
            </td>
            <td className="max-w-[16rem] px-2 py-1.5 break-words">{r.reason ?? "—"}</td>
            <td className="px-2 py-1.5">
              {hasDetails ? (
                <details>
                  <summary className="cursor-pointer text-brand-700">{t.showDetails}</summary>
                  {/* Rendered as text: React escapes it, so stored markup stays inert. */}
                  <pre className="mt-1 max-h-64 max-w-[28rem] overflow-auto rounded-lg bg-canvas p-2 text-xs whitespace-pre-wrap break-all">
                    {JSON.stringify(r.details, null, 2)}
                  </pre>
                </details>
              ) : (
                <span className="text-muted">{t.noDetails}</span>
              )}
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
