import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { Button, Card, EmptyState, PageHeader, Pager, SortableTable, td } from "@/app/_components";
import { pagedHref, pageParam } from "@/app/_components/paging";
import { AUDIT_PAGE_SIZE, auditActions, listAudit, type AuditLine } from "@/lib/audit/list";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.audit");
  return { title: t("metaTitle") };
}

type AuditT = Awaited<ReturnType<typeof getTranslations<"operator.audit">>>;

/** The name of an action the console knows, or null for any other (which shows its code). */
function actionName(t: AuditT, action: string): string | null {
  return t.has(`action.${action}` as "action.queue.drain") ? t(`action.${action}` as "action.queue.drain") : null;
}

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
  const t = await getTranslations("operator.audit");
  // Keep an unknown filter selectable, so the form shows what is applied.
  const options = query.action && !actions.includes(query.action) ? [query.action, ...actions] : actions;

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />
      <Card
        actions={
          <form method="get" action="/operator/audit" className="flex items-center gap-2">
            <label htmlFor="audit-action" className="text-sm text-muted">
              {t("filter")}
            </label>
            <select
              id="audit-action"
              name="action"
              defaultValue={query.action ?? ""}
              className="h-8 rounded-lg border border-line bg-surface px-2 text-sm"
              data-testid="audit-action-filter"
            >
              <option value="">{t("all")}</option>
              {options.map((a) => (
                <option key={a} value={a}>
                  {actionName(t, a) ? t("option", { name: actionName(t, a)!, code: a }) : a}
                </option>
              ))}
            </select>
            <Button type="submit" size="sm" variant="secondary">
              {t("apply")}
            </Button>
          </form>
        }
      >
        {list.total === 0 ? (
          <EmptyState title={query.action ? t("emptyFiltered") : t("empty")} description={t("emptyBody")} className="py-6" />
        ) : list.rows.length === 0 ? (
          <EmptyState
            title={t("pageEmpty")}
            action={
              <Link href={href({ ...query, page: 1 })} className="font-medium text-brand-700 underline">
                {t("backToFirst")}
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

/** Where a subject lives in the console, when it has a page there. */
function subjectHref(type: string, id: string): string | null {
  if (!/^[0-9A-Z]{1,20}$/.test(id)) return null;
  switch (type) {
    case "merchant":
      return `/operator/merchants/${id}`;
    case "order":
      return `/operator/orders?no=${id}`;
    case "queue":
      return `/operator/ledger?q=${id}`;
    case "withdrawal":
      return "/operator/withdrawals";
    default:
      return null;
  }
}

/** The subject by name (its kind and id beneath), linked to its page. */
function AuditSubject({ line: r }: { line: AuditLine }) {
  const href = subjectHref(r.subjectType, r.subjectId);
  const label = r.subjectName ?? `${r.subjectType} #${r.subjectId}`;
  return (
    <>
      {href ? (
        <Link href={href} className="text-brand-700 underline">
          {label}
        </Link>
      ) : (
        label
      )}
      {r.subjectName ? <span className="block font-mono text-xs text-muted">{`${r.subjectType} #${r.subjectId}`}</span> : null}
    </>
  );
}

async function AuditTable({ rows }: { rows: AuditLine[] }) {
  const [t, locale] = await Promise.all([getTranslations("operator.audit"), getLocale()]);
  // Sorting rearranges the page on screen; the pager still walks the log newest first.
  return (
    <SortableTable
      data-testid="audit-log"
      columns={[
        { label: t("cols.time") },
        { label: t("cols.who") },
        { label: t("cols.action") },
        { label: t("cols.subject") },
        { label: t("cols.reason") },
        { label: t("cols.details"), sortable: false },
      ]}
      rows={rows.map((r) => {
        const hasDetails = Object.keys(r.details).length > 0;
        const name = actionName(t, r.action);
        return {
          key: r.id,
          values: [r.createdAt.getTime(), r.actorName, name ?? r.action, `${r.subjectType} ${r.subjectId.padStart(12, "0")}`, r.reason],
          row: (
            <tr className="align-top" data-testid={`audit-${r.id}`}>
              <td className={`${td} text-muted tabular-nums`}>{formatDateTime(r.createdAt, { seconds: true, locale })}</td>
              <td className={`${td} max-w-[10rem] truncate`} title={r.actorUsername ? `@${r.actorUsername}` : undefined}>
                {r.actorName ?? <span className="text-muted">{t("system")}</span>}
              </td>
              <td className={td}>
                {name ?? r.action}
                {name ? <span className="block font-mono text-xs text-muted">{r.action}</span> : null}
              </td>
              <td className={td}>
                <AuditSubject line={r} />
              </td>
              <td className="max-w-[16rem] px-2 py-1.5 break-words">{r.reason ?? "—"}</td>
              <td className="px-2 py-1.5">
                {hasDetails ? (
                  <details>
                    <summary className="cursor-pointer text-brand-700">{t("showDetails")}</summary>
                    {/* Rendered as text: React escapes it, so stored markup stays inert. */}
                    <pre className="mt-1 max-h-64 max-w-[28rem] overflow-auto rounded-lg bg-canvas p-2 text-xs whitespace-pre-wrap break-all">
                      {JSON.stringify(r.details, null, 2)}
                    </pre>
                  </details>
                ) : (
                  <span className="text-muted">{t("noDetails")}</span>
                )}
              </td>
            </tr>
          ),
        };
      })}
    />
  );
}
