import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, Money, PageHeader, SortableTable, td, tdNum } from "@/app/_components";
import { db } from "@/db";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { jobBacklog, retryingJobs } from "@/lib/jobs/backlog";
import { listStuckJobs } from "@/lib/jobs/stuck";
import { refundsNeedingAttention } from "@/lib/orders/store-orders";
import { retryRefundAction } from "../orders/actions";
import { retryJobAction } from "./actions";
import { RetryButton } from "../_components/retry-button";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.jobs");
  return { title: t("metaTitle") };
}

/** Money going out that needs an operator: refunds the provider refused, and jobs whose retries ran out. */
export default async function OperatorJobsPage() {
  await requireViewer("operator", { next: "/operator/jobs" });
  const [refunds, stuck, backlog, retrying, t, locale] = await Promise.all([
    refundsNeedingAttention(),
    listStuckJobs(db),
    jobBacklog(db),
    retryingJobs(db),
    getTranslations("operator.jobs"),
    getLocale(),
  ]);
  const when = (at: Date) => formatDateTime(at, { locale });

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <Card title={t("refunds.title")} data-testid="refunds-needing-attention">
        <p className="mb-3 text-sm text-muted">{t("refunds.note")}</p>
        {refunds.length === 0 ? (
          <EmptyState title={t("refunds.empty")} description={t("refunds.emptyBody")} className="py-6" />
        ) : (
          <SortableTable
            columns={[
              { label: t("refunds.cols.order") },
              { label: t("refunds.cols.store") },
              { label: t("refunds.cols.amount"), num: true },
              { label: t("refunds.cols.status") },
              { label: t("refunds.cols.problem") },
              { label: t("refunds.cols.action") },
            ]}
            rows={refunds.map((r) => ({
              key: r.orderId,
              values: [r.orderNo, r.storeName, r.amountFen, r.status, r.problem ?? "", null],
              row: (
                <tr data-testid={`refund-row-${r.orderNo}`}>
                  <td className={`${td} font-mono text-xs`}>
                    <Link className="underline" href={`/operator/orders?no=${r.orderNo}`}>
                      {r.orderNo}
                    </Link>
                    <span className="block text-muted">{when(r.createdAt)}</span>
                  </td>
                  <td className={td}>{r.storeName}</td>
                  <td className={tdNum}>
                    <Money fen={r.amountFen} />
                  </td>
                  <td className={td}>
                    <Badge tone={r.status === "failed" ? "danger" : "warn"}>{t(`refunds.status.${r.status === "failed" ? "failed" : "retrying"}`)}</Badge>
                  </td>
                  <td className={`${td} max-w-[20rem] break-words text-sm`}>{r.problem ?? "—"}</td>
                  <td className={td}>
                    {r.status === "failed" ? (
                      <RetryButton
                        action={retryRefundAction}
                        fields={{ orderId: String(r.orderId) }}
                        label={t("refunds.retry")}
                        pendingText={t("working")}
                        done={t("refunds.retried")}
                        testId={`retry-refund-${r.orderNo}`}
                      />
                    ) : (
                      <span className="text-sm text-muted">{t("refunds.automatic")}</span>
                    )}
                  </td>
                </tr>
              ),
            }))}
          />
        )}
      </Card>

      <Card title={t("backlog.title")} data-testid="job-backlog">
        <p className="mb-3 text-sm text-muted">{t("backlog.note")}</p>
        {backlog.length === 0 ? (
          <EmptyState title={t("backlog.empty")} description={t("backlog.emptyBody")} className="py-6" />
        ) : (
          <SortableTable
            columns={[
              { label: t("backlog.cols.task") },
              { label: t("backlog.cols.due"), num: true },
              { label: t("backlog.cols.oldest"), num: true },
              { label: t("backlog.cols.later"), num: true },
              { label: t("backlog.cols.running"), num: true },
              { label: t("backlog.cols.retrying"), num: true },
              { label: t("backlog.cols.failed"), num: true },
            ]}
            rows={backlog.map((b) => ({
              key: b.task,
              values: [b.task, b.due, b.oldestDueSeconds, b.later, b.running, b.retrying, b.failed],
              row: (
                <tr data-testid={`backlog-${b.task}`}>
                  <td className={`${td} font-mono text-xs`}>{b.task}</td>
                  <td className={tdNum}>{b.due}</td>
                  <td className={tdNum}>{b.due > 0 ? t("backlog.seconds", { n: b.oldestDueSeconds }) : "—"}</td>
                  <td className={tdNum}>{b.later}</td>
                  <td className={tdNum}>{b.running}</td>
                  <td className={tdNum}>{b.retrying > 0 ? <Badge tone="warn">{b.retrying}</Badge> : 0}</td>
                  <td className={tdNum}>{b.failed > 0 ? <Badge tone="danger">{b.failed}</Badge> : 0}</td>
                </tr>
              ),
            }))}
          />
        )}
      </Card>

      <Card title={t("retrying.title")} data-testid="retrying-jobs">
        <p className="mb-3 text-sm text-muted">{t("retrying.note")}</p>
        {retrying.length === 0 ? (
          <EmptyState title={t("retrying.empty")} description={t("retrying.emptyBody")} className="py-6" />
        ) : (
          <SortableTable
            columns={[
              { label: t("stuck.cols.job") },
              { label: t("stuck.cols.attempts"), num: true },
              { label: t("stuck.cols.lastError") },
              { label: t("retrying.nextTry") },
            ]}
            rows={retrying.map((j) => ({
              key: j.id,
              values: [j.key ?? j.task, j.attempts, j.lastError ?? "", j.nextTryAt.getTime()],
              row: (
                <tr data-testid={`retrying-job-${j.id}`}>
                  <td className={td}>
                    <span className="font-mono text-xs">{j.task}</span>
                    <span className="block font-mono text-xs text-muted">{j.key ?? `#${j.id}`}</span>
                  </td>
                  <td className={tdNum}>
                    {j.attempts} / {j.maxAttempts}
                  </td>
                  <td className={`${td} max-w-[24rem] break-words text-sm`}>{j.lastError ?? "—"}</td>
                  <td className={`${td} text-muted tabular-nums`}>{when(j.nextTryAt)}</td>
                </tr>
              ),
            }))}
          />
        )}
      </Card>

      <Card title={t("stuck.title")} data-testid="stuck-jobs">
        <p className="mb-3 text-sm text-muted">{t("stuck.note")}</p>
        {stuck.length === 0 ? (
          <EmptyState title={t("stuck.empty")} description={t("stuck.emptyBody")} className="py-6" />
        ) : (
          <SortableTable
            columns={[
              { label: t("stuck.cols.job") },
              { label: t("stuck.cols.attempts"), num: true },
              { label: t("stuck.cols.lastError") },
              { label: t("stuck.cols.updated") },
              { label: t("stuck.cols.action") },
            ]}
            rows={stuck.map((j) => ({
              key: j.id,
              values: [j.key ?? j.task, j.attempts, j.lastError ?? "", j.updatedAt.getTime(), null],
              row: (
                <tr data-testid={`stuck-job-${j.id}`}>
                  <td className={td}>
                    <span className="font-mono text-xs">{j.task}</span>
                    <span className="block font-mono text-xs text-muted">{j.key ?? `#${j.id}`}</span>
                  </td>
                  <td className={tdNum}>{j.attempts}</td>
                  <td className={`${td} max-w-[24rem] break-words text-sm`}>{j.lastError ?? "—"}</td>
                  <td className={`${td} text-muted tabular-nums`}>{when(j.updatedAt)}</td>
                  <td className={td}>
                    <RetryButton
                      action={retryJobAction}
                      fields={{ jobId: String(j.id) }}
                      label={t("stuck.retry")}
                      pendingText={t("working")}
                      done={t("stuck.retried")}
                      testId={`retry-job-${j.id}`}
                    />
                  </td>
                </tr>
              ),
            }))}
          />
        )}
      </Card>
    </div>
  );
}
