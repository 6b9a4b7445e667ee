import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, Money, PageHeader, SortableTable, td, tdNum } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { payableNow } from "@/lib/queue/payable";
import { payoutHistory, readyQueues } from "@/lib/queue/ready";
import { PayoutRunner, RunAllButton, RunQueueButton, RunStatus, type RunPreview } from "./run-buttons";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.payouts");
  return { title: t("metaTitle") };
}

const HISTORY_LIMIT = 50;

export default async function OperatorPayoutsPage() {
  await requireViewer("operator", { next: "/operator/payouts" });
  const [ready, history, t, locale] = await Promise.all([
    readyQueues(),
    payoutHistory({ limit: HISTORY_LIMIT }),
    getTranslations("operator.payouts"),
    getLocale(),
  ]);
  const payable = await payableNow(ready.map((q) => q.queueId));
  const previews: RunPreview[] = ready.map((q) => ({
    queueId: q.queueId,
    name: q.name,
    poolFen: q.poolFen,
    entries: payable.get(q.queueId)?.entries ?? 0,
    amountFen: payable.get(q.queueId)?.amountFen ?? 0,
  }));

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={<a href="/api/operator/payouts.csv" download className="text-sm font-medium text-brand-700 underline" data-testid="payouts-csv">{t("csv")}</a>}
      />

      <PayoutRunner>
        <Card title={t("readyCount", { count: ready.length })} actions={<RunAllButton disabled={ready.length === 0} previews={previews} />}>
          <div className="mb-3">
            <RunStatus />
          </div>
          {ready.length === 0 ? (
            <EmptyState title={t("readyEmpty")} description={t("readyEmptyBody")} className="py-6" />
          ) : (
            <SortableTable
              data-testid="ready-queues"
              columns={[
                { label: t("readyCols.queue") },
                { label: t("readyCols.mode") },
                { label: t("readyCols.pool"), num: true },
                { label: t("readyCols.head"), num: true },
                { label: t("readyCols.waiting"), num: true },
                { label: t("readyCols.run"), num: true, sortable: false },
              ]}
              rows={ready.map((q) => ({
                key: q.queueId,
                values: [q.name, q.payoutMode, q.poolFen, q.headTargetFen, q.waitingCount],
                row: (
                  <tr data-testid={`ready-queue-${q.queueId}`}>
                    <td className={td}>
                      <span className="font-medium">{q.name}</span>
                      <span className="ml-1.5 text-xs text-muted">#{q.queueId}</span>
                    </td>
                    <td className={td}>
                      <Badge tone={q.payoutMode === "auto" ? "brand" : "warn"}>{t(`mode.${q.payoutMode}`)}</Badge>
                    </td>
                    <td className={tdNum}>
                      <Money fen={q.poolFen} />
                    </td>
                    <td className={tdNum}>
                      <Money fen={q.headTargetFen} />
                    </td>
                    <td className={tdNum}>{q.waitingCount}</td>
                    <td className="px-2 py-1 text-right">
                      <div className="flex justify-end">
                        <RunQueueButton preview={previews.find((p) => p.queueId === q.queueId)!} />
                      </div>
                    </td>
                  </tr>
                ),
              }))}
            />
          )}
        </Card>
      </PayoutRunner>

      <Card title={t("history")} note={t("historyNote", { count: HISTORY_LIMIT })}>
        {history.length === 0 ? (
          <EmptyState title={t("historyEmpty")} className="py-6" />
        ) : (
          <SortableTable
            data-testid="payout-history"
            columns={[
              { label: t("historyCols.time") },
              { label: t("historyCols.queue") },
              { label: t("historyCols.customer") },
              { label: t("historyCols.position"), num: true },
              { label: t("historyCols.amount"), num: true },
              { label: t("historyCols.kind") },
            ]}
            rows={history.map((p) => ({
              key: p.id,
              values: [p.createdAt.getTime(), p.queueName, p.customerName, p.position, p.amountFen, t(`kind.${p.kind}`)],
              row: (
                <tr>
                  <td className={`${td} text-muted tabular-nums`}>{formatDateTime(p.createdAt, { seconds: true, locale })}</td>
                  <td className={td}>{p.queueName}</td>
                  <td className={`${td} max-w-[12rem] truncate`}>{p.customerName}</td>
                  <td className={tdNum}>{p.position}</td>
                  <td className={tdNum}>
                    <Money fen={p.amountFen} />
                  </td>
                  <td className={td}>
                    <Badge tone={p.kind === "draw" ? "warn" : "success"}>{t(`kind.${p.kind}`)}</Badge>
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
