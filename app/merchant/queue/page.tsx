import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { Badge, Card, cn, EmptyState, Money, PageHeader, Pager, ProgressBar, Table, type BadgeTone } from "@/app/_components";
import { pagedHref, pageParam } from "@/app/_components/paging";
import { requireStore } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { queueGauge } from "@/lib/merchants/store";
import { formatFen } from "@/lib/money/format";
import { QUEUE_PAGE_SIZE, queueTable, type QueueRow } from "@/lib/queue/table";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.queue");
  return { title: t("metaTitle") };
}

const TONE: Record<QueueRow["status"], BadgeTone> = { waiting: "brand", paid: "success", left: "neutral", cancelled: "warn" };

/** The badge of one entry: a lucky-draw payout is told apart from one in queue order. */
function statusOf(row: QueueRow): { key: QueueRow["status"] | "drawn"; tone: BadgeTone } {
  if (row.status === "paid" && row.paidKind === "draw") return { key: "drawn", tone: "success" };
  return { key: row.status, tone: TONE[row.status] };
}

/** `?status=` and `?page=`: anything unexpected falls back to the default rather than erroring. */
const querySchema = z.object({
  status: z.enum(["waiting", "all"]).catch("waiting"),
  page: pageParam,
});
type Query = z.output<typeof querySchema>;

function href(q: Query): string {
  return pagedHref("/merchant/queue", { status: q.status === "waiting" ? undefined : q.status, page: q.page });
}

export default async function MerchantQueuePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { merchant } = await requireStore({ next: "/merchant/queue" });
  const query = querySchema.parse(await searchParams);
  // An approved store always has a queue; requireStore only lets approved stores through.
  const queueId = merchant.queueId!;
  const [gauge, table, t] = await Promise.all([queueGauge(queueId), queueTable(queueId, query), getTranslations("merchant.queue")]);
  const pages = Math.max(1, Math.ceil(table.total / QUEUE_PAGE_SIZE));

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <Badge tone={gauge.payoutMode === "auto" ? "brand" : "warn"}>
            <span data-testid="payout-mode" title={t(`modeHint.${gauge.payoutMode}`)}>
              {t(`mode.${gauge.payoutMode}`)}
            </span>
          </Badge>
        }
      />

      <Gauge gauge={gauge} />

      <Card
        title={t("entries")}
        actions={
          <div role="group" aria-label={t("filter")} className="flex gap-1 rounded-xl bg-canvas p-1 text-sm">
            {(["waiting", "all"] as const).map((s) => (
              <Link
                key={s}
                href={href({ status: s, page: 1 })}
                aria-current={query.status === s ? "page" : undefined}
                className={cn(
                  "rounded-lg px-3 py-1",
                  query.status === s ? "bg-surface font-medium text-brand-700 shadow-sm" : "text-muted hover:text-ink",
                )}
              >
                {t(`filters.${s}`)}
              </Link>
            ))}
          </div>
        }
      >
        {table.total === 0 ? (
          <EmptyState title={query.status === "waiting" ? t("emptyWaiting") : t("emptyAll")} description={t("emptyBody")} />
        ) : table.rows.length === 0 ? (
          <EmptyState
            title={t("pageEmpty")}
            action={
              <Link href={href({ ...query, page: 1 })} className="font-medium text-brand-700 underline">
                {t("backToFirst")}
              </Link>
            }
          />
        ) : (
          <>
            <EntryList rows={table.rows} />
            <EntryTable rows={table.rows} />
            <Pager page={query.page} pages={pages} total={table.total} href={(page) => href({ ...query, page })} />
          </>
        )}
      </Card>
    </div>
  );
}

async function Gauge({ gauge }: { gauge: Awaited<ReturnType<typeof queueGauge>> }) {
  const t = await getTranslations("merchant.queue");
  const head = gauge.headTargetFen;
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      <Card title={t("gauge")} className="sm:col-span-2" data-testid="queue-gauge">
        {head === null ? (
          <EmptyState title={t("noneWaiting")} description={t("noneWaitingBody", { pool: formatFen(gauge.poolFen) })} className="py-6" />
        ) : (
          <div className="space-y-2">
            <p className="text-lg font-semibold">
              {t("pool")} <Money fen={gauge.poolFen} /> <span className="text-muted">/</span> {t("head")} <Money fen={head} />
            </p>
            <ProgressBar
              value={gauge.poolFen}
              max={head}
              label={t("gaugeLabel")}
              valueText={`${formatFen(gauge.poolFen)} / ${formatFen(head)}`}
            />
            <p className="text-sm text-muted">
              {gauge.poolFen >= head
                ? gauge.payoutMode === "auto"
                  ? t("readyAuto")
                  : t("readyManual")
                : t("short", { amount: formatFen(head - gauge.poolFen) })}
            </p>
          </div>
        )}
      </Card>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-1">
        <Card>
          <p className="text-sm text-muted">{t("waitingCount")}</p>
          <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid="waiting-count">
            {gauge.waitingCount}
          </p>
        </Card>
        <Card>
          <p className="text-sm text-muted">{t("waitingFen")}</p>
          <p className="mt-1 text-2xl font-semibold" data-testid="waiting-fen">
            <Money fen={gauge.waitingFen} />
          </p>
        </Card>
      </div>
    </div>
  );
}

/** Phones: one compact block per entry. */
async function EntryList({ rows }: { rows: QueueRow[] }) {
  const [t, locale] = await Promise.all([getTranslations("merchant.queue"), getLocale()]);
  return (
    <ol className="divide-y divide-line sm:hidden" data-testid="queue-list">
      {rows.map((r) => {
        const s = statusOf(r);
        return (
          <li key={r.id} className="flex items-start justify-between gap-3 py-2.5">
            <div className="min-w-0">
              <p className="font-medium">
                <span className="mr-2 tabular-nums text-muted">{r.place === null ? "—" : `#${r.place}`}</span>
                <Money fen={r.targetFen} />
                <span className="ml-2 text-sm font-normal">{r.customerName}</span>
              </p>
              <p className="truncate text-xs text-muted">
                {r.orderNo} · {formatShortDateTime(r.createdAt, { locale })}
              </p>
            </div>
            <Badge tone={s.tone} className="shrink-0">
              {t(`status.${s.key}`)}
            </Badge>
          </li>
        );
      })}
    </ol>
  );
}

/** Wider screens: a table. */
async function EntryTable({ rows }: { rows: QueueRow[] }) {
  const [t, locale] = await Promise.all([getTranslations("merchant.queue"), getLocale()]);
  const th = "px-2 py-2 text-left font-medium";
  return (
    <Table
      wrapperClassName="hidden sm:block"
      data-testid="queue-table"
      head={
        <>
          <th scope="col" className={th}>{t("cols.position")}</th>
          <th scope="col" className={cn(th, "text-right")}>{t("cols.target")}</th>
          <th scope="col" className={th}>{t("cols.customer")}</th>
          <th scope="col" className={th}>{t("cols.orderNo")}</th>
          <th scope="col" className={th}>{t("cols.time")}</th>
          <th scope="col" className={th}>{t("cols.status")}</th>
        </>
      }
    >
      {rows.map((r) => {
        const s = statusOf(r);
        return (
          <tr key={r.id} data-testid={r.place === null ? `entry-settled-${r.id}` : `entry-row-${r.place}`}>
            <td className="px-2 py-2 tabular-nums">{r.place ?? "—"}</td>
            <td className="px-2 py-2 text-right">
              <Money fen={r.targetFen} />
            </td>
            <td className="max-w-[10rem] truncate px-2 py-2">{r.customerName}</td>
            <td className="px-2 py-2 font-mono text-xs">{r.orderNo}</td>
            <td className="whitespace-nowrap px-2 py-2 text-muted">{formatShortDateTime(r.createdAt, { locale })}</td>
            <td className="px-2 py-2">
              <Badge tone={s.tone}>{t(`status.${s.key}`)}</Badge>
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
