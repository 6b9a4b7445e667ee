import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { Badge, Card, cn, EmptyState, Money, PageHeader, SortableTable, td, tdNum } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import { DRAW_CAP_FEN } from "@/lib/queue/draw";
import { drawHistory, drawQueues } from "@/lib/queue/draw-view";
import { DrawPanel } from "./draw-panel";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.draw");
  return { title: t("metaTitle") };
}

const HISTORY_LIMIT = 50;

const querySchema = z.object({ queue: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined) });

export default async function OperatorDrawPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireViewer("operator", { next: "/operator/draw" });
  const { queue: selectedId } = querySchema.parse(await searchParams);
  const [queues, history, selectedRows] = await Promise.all([
    drawQueues(),
    drawHistory({ limit: HISTORY_LIMIT }),
    selectedId !== undefined ? drawQueues({ queueId: selectedId }) : Promise.resolve([]),
  ]);
  const selected = selectedRows[0];
  const [t, locale] = await Promise.all([getTranslations("operator.draw"), getLocale()]);

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description", { cap: formatFen(DRAW_CAP_FEN) })} />

      <Card title={t("queuesCount", { count: queues.length })} note={t("queuesNote")}>
        {queues.length === 0 ? (
          <EmptyState title={t("queuesEmpty")} description={t("queuesEmptyBody")} className="py-6" />
        ) : (
          <SortableTable
            data-testid="draw-queues"
            columns={[
              { label: t("cols.queue") },
              { label: t("cols.stores") },
              { label: t("cols.mode") },
              { label: t("cols.pool"), num: true },
              { label: t("cols.waiting"), num: true },
              { label: t("cols.candidates"), num: true },
              { label: <span className="sr-only">{t("pick")}</span>, num: true, sortable: false },
            ]}
            rows={queues.map((q) => {
              const isSelected = q.queueId === selectedId;
              return {
                key: q.queueId,
                values: [q.name, q.stores.join(t("storeSeparator")), t(`mode.${q.payoutMode}`), q.poolFen, q.waitingCount, q.candidateCount],
                row: (
                  <tr className={cn(isSelected && "bg-brand-50")} data-testid={`draw-queue-${q.queueId}`}>
                    <td className={td}>
                      <span className="font-medium">{q.name}</span>
                      <span className="ml-1.5 text-xs text-muted">#{q.queueId}</span>
                    </td>
                    <td className={`${td} max-w-[16rem] truncate`}>
                      {q.stores.length > 0 ? q.stores.join(t("storeSeparator")) : <span className="text-muted">{t("oldQueue")}</span>}
                    </td>
                    <td className={td}>
                      <Badge tone={q.payoutMode === "auto" ? "brand" : "warn"}>{t(`mode.${q.payoutMode}`)}</Badge>
                    </td>
                    <td className={tdNum}>
                      <Money fen={q.poolFen} />
                    </td>
                    <td className={tdNum}>{q.waitingCount}</td>
                    <td className={tdNum}>{q.candidateCount}</td>
                    <td className="px-2 py-1 text-right">
                      {isSelected ? (
                        <span className="text-xs font-medium text-brand-700">{t("picked")}</span>
                      ) : (
                        <Link href={`/operator/draw?queue=${q.queueId}`} className="text-sm font-medium text-brand-700 underline" data-testid={`pick-queue-${q.queueId}`}>
                          {t("pick")}
                        </Link>
                      )}
                    </td>
                  </tr>
                ),
              };
            })}
          />
        )}
      </Card>

      {selectedId !== undefined ? (
        <Card title={t("drawOn", { name: selected?.name ?? `#${selectedId}` })} data-testid="draw-card">
          {selected ? (
            <div className="space-y-3">
              <p className="text-sm text-ink" data-testid="draw-figures">
                {t("figures", {
                  pool: formatFen(selected.poolFen),
                  count: selected.candidateCount,
                  sum: formatFen(selected.candidateFen),
                  waiting: selected.waitingCount,
                })}
              </p>
              {/* Keyed by queue so switching queues starts a fresh confirm step and result. */}
              <DrawPanel key={selected.queueId} queueId={selected.queueId} queueName={selected.name} candidateCount={selected.candidateCount} poolFen={selected.poolFen} />
            </div>
          ) : (
            <p className="text-sm text-muted">{t("gone")}</p>
          )}
        </Card>
      ) : queues.length > 0 ? (
        <p className="text-sm text-muted">{t("pickFirst")}</p>
      ) : null}

      <Card title={t("history")} note={t("historyNote", { count: HISTORY_LIMIT })}>
        {history.length === 0 ? (
          <EmptyState title={t("historyEmpty")} className="py-6" />
        ) : (
          <SortableTable
            data-testid="draw-history"
            columns={[
              { label: t("hcols.time") },
              { label: t("hcols.queue") },
              { label: t("hcols.operator") },
              { label: t("hcols.candidates"), num: true },
              { label: t("hcols.random"), sortable: false },
              { label: t("hcols.index"), num: true },
              { label: t("hcols.winner"), sortable: false },
              { label: t("hcols.amount"), num: true },
              { label: t("hcols.note"), sortable: false },
            ]}
            rows={history.map((d) => ({
              key: d.drawId,
              values: [d.createdAt.getTime(), d.queueName, d.operatorName, d.candidates, null, d.chosenIndex, null, d.amountFen],
              row: (
                <tr data-testid={`draw-${d.drawId}`}>
                  <td className={`${td} text-muted tabular-nums`}>{formatDateTime(d.createdAt, { seconds: true, locale })}</td>
                  <td className={td}>
                    {d.queueName}
                    <span className="ml-1.5 text-xs text-muted">#{d.queueId}</span>
                  </td>
                  <td className={td}>{d.operatorName}</td>
                  <td className={tdNum}>{d.candidates}</td>
                  <td className={`${td} font-mono text-xs`}>{d.randomHex}</td>
                  <td className={tdNum}>{d.chosenIndex}</td>
                  <td className={`${td} max-w-[16rem] truncate`}>
                    #{d.position} · {d.storeName} · {d.customerName}
                    <span className="ml-1.5 font-mono text-xs text-muted">{d.orderNo}</span>
                  </td>
                  <td className={tdNum}>
                    <Money fen={d.amountFen} />
                  </td>
                  <td className={`${td} max-w-[12rem] truncate text-muted`}>{d.reason ?? "—"}</td>
                </tr>
              ),
            }))}
          />
        )}
      </Card>
    </div>
  );
}
