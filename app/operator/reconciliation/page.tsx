import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, Money, PageHeader, SortableTable, td, tdNum, type BadgeTone } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { reconciledProviders } from "@/lib/payments";
import { chinaDayOf, dayBefore } from "@/lib/payments/bill-text";
import { parseFilter } from "@/lib/reconcile/filter";
import { listMismatches, listRuns, type RunStatus } from "@/lib/reconcile/read";
import { RerunButton, type RerunLabels } from "./rerun-button";
import { RunDayForm } from "./run-day-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.reconciliation");
  return { title: t("metaTitle") };
}

const STATUS_TONE: Record<RunStatus, BadgeTone> = { queued: "neutral", matched: "success", mismatched: "danger", failed: "warn" };
const KIND_TONE: Record<string, BadgeTone> = { missing_in_ledger: "danger", missing_at_provider: "danger", amount_differs: "warn", duplicate_posting: "danger" };
const KNOWN_PROVIDERS = new Set(["wechat", "alipay", "dev", "pos"]);

/** Each provider's day of the daily reconciliation: bill against ledger, the differences, CSV, and re-runs. */
export default async function OperatorReconciliationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireViewer("operator", { next: "/operator/reconciliation" });
  const filter = parseFilter(await searchParams);
  const [runs, mismatches, t, locale] = await Promise.all([listRuns(filter), listMismatches(filter), getTranslations("operator.reconciliation"), getLocale()]);
  const providerName = (id: string) => (KNOWN_PROVIDERS.has(id) ? t(`provider.${id as "wechat"}`) : id);
  const providers = reconciledProviders().map((id) => ({ id, name: providerName(id) }));
  const when = (at: Date) => formatDateTime(at, { locale });
  const yesterday = dayBefore(chinaDayOf(new Date()));
  const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  const labels = (day: string, provider: string): RerunLabels => ({
    label: t("rerun.label"),
    question: t("rerun.question", { day, provider: providerName(provider) }),
    confirm: t("rerun.confirm"),
    cancel: t("rerun.cancel"),
    working: t("rerun.working"),
    queued: t("rerun.queued"),
  });
  const filtered = Boolean(filter.day || filter.provider);

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <a href={`/api/operator/reconciliation.csv${query ? `?${query}` : ""}`} download className="text-sm font-medium text-brand-700 underline" data-testid="reconciliation-csv">
            {t("csv")}
          </a>
        }
      />

      <Card title={t("filter.title")}>
        <form method="get" action="/operator/reconciliation" className="flex flex-wrap items-end gap-3" data-testid="reconciliation-filter">
          <label className="flex flex-col gap-1 text-sm">
            <span className="text-muted">{t("filter.day")}</span>
            <input type="date" name="day" defaultValue={filter.day ?? ""} className="h-10 rounded-xl bg-surface px-3 ring-1 ring-line" />
          </label>
          <label className="flex flex-col gap-1 text-sm">
            <span className="text-muted">{t("filter.provider")}</span>
            <select name="provider" defaultValue={filter.provider ?? ""} className="h-10 rounded-xl bg-surface px-3 ring-1 ring-line">
              <option value="">{t("filter.anyProvider")}</option>
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="h-10 rounded-xl bg-brand-600 px-4 text-sm font-medium text-white">
            {t("filter.apply")}
          </button>
          {filtered ? (
            <Link href="/operator/reconciliation" className="text-sm underline">
              {t("filter.clear")}
            </Link>
          ) : null}
        </form>
      </Card>

      <Card title={t("runDay.title")}>
        <p className="mb-3 text-sm text-muted">{t("runDay.note")}</p>
        <RunDayForm
          providers={providers}
          defaultDay={yesterday}
          labels={{ ...labels(yesterday, providers[0]?.id ?? ""), question: t.raw("rerun.question") as string, provider: t("filter.provider"), day: t("filter.day"), submit: t("runDay.submit") }}
        />
      </Card>

      <Card title={t("runs.title")} note={t("runs.note")} data-testid="reconciliation-runs">
        {runs.length === 0 ? (
          <EmptyState title={filtered ? t("runs.emptyFiltered") : t("runs.empty")} description={t("runs.emptyBody")} className="py-6" />
        ) : (
          <SortableTable
            columns={[
              { label: t("runs.cols.day") },
              { label: t("runs.cols.provider") },
              { label: t("runs.cols.status") },
              { label: t("runs.cols.bill"), num: true },
              { label: t("runs.cols.ledger"), num: true },
              { label: t("runs.cols.mismatches"), num: true },
              { label: t("runs.cols.finished") },
              { label: t("runs.cols.action"), num: true, sortable: false },
            ]}
            rows={runs.map((r) => ({
              key: r.id,
              values: [r.day, r.provider, r.status, r.providerCount, r.ledgerCount, r.mismatchCount, r.finishedAt?.getTime() ?? 0, null],
              row: (
                <tr data-testid={`run-${r.provider}-${r.day}`}>
                  <td className={`${td} tabular-nums`}>
                    <Link className="underline" href={`/operator/reconciliation?day=${r.day}&provider=${r.provider}`}>
                      {r.day}
                    </Link>
                  </td>
                  <td className={td}>{providerName(r.provider)}</td>
                  <td className={td}>
                    <Badge tone={STATUS_TONE[r.status]}>{t(`status.${r.status}`)}</Badge>
                    {r.billSource === "ledger" ? <span className="block text-xs text-muted">{t("runs.fromLedger")}</span> : null}
                    {r.error ? <span className="block max-w-[16rem] break-words text-xs text-danger">{r.error}</span> : null}
                  </td>
                  <td className={tdNum}>
                    {r.providerCount} · <Money fen={r.providerFen} />
                  </td>
                  <td className={tdNum}>
                    {r.ledgerCount} · <Money fen={r.ledgerFen} />
                  </td>
                  <td className={tdNum}>{r.mismatchCount}</td>
                  <td className={`${td} text-muted tabular-nums`}>{r.finishedAt ? when(r.finishedAt) : t("runs.pending")}</td>
                  <td className="px-2 py-1 text-right">
                    <RerunButton provider={r.provider} day={r.day} labels={labels(r.day, r.provider)} testId={`rerun-${r.provider}-${r.day}`} />
                  </td>
                </tr>
              ),
            }))}
          />
        )}
      </Card>

      <Card title={t("mismatches.title", { count: mismatches.length })} data-testid="reconciliation-mismatches">
        {mismatches.length === 0 ? (
          <EmptyState title={t("mismatches.empty")} description={t("mismatches.emptyBody")} className="py-6" />
        ) : (
          <SortableTable
            columns={[
              { label: t("mismatches.cols.day") },
              { label: t("mismatches.cols.provider") },
              { label: t("mismatches.cols.kind") },
              { label: t("mismatches.cols.outId") },
              { label: t("mismatches.cols.provider_amount"), num: true },
              { label: t("mismatches.cols.ledger_amount"), num: true },
              { label: t("mismatches.cols.postings"), num: true },
              { label: t("mismatches.cols.at") },
            ]}
            rows={mismatches.map((m) => ({
              key: m.id,
              values: [m.day, m.provider, m.kind, m.outId, m.providerFen ?? -1, m.ledgerFen ?? -1, m.postings, m.at?.getTime() ?? 0],
              row: (
                <tr data-testid={`mismatch-${m.outId}`}>
                  <td className={`${td} tabular-nums`}>{m.day}</td>
                  <td className={td}>{providerName(m.provider)}</td>
                  <td className={td}>
                    <Badge tone={KIND_TONE[m.kind] ?? "neutral"}>{t(`kind.${m.kind}`)}</Badge>
                    <span className="block text-xs text-muted">{t(`txKind.${m.txKind === "refund" ? "refund" : m.txKind === "transfer" ? "transfer" : "payment"}`)}</span>
                  </td>
                  <td className={`${td} font-mono text-xs`}>
                    {m.outId}
                    {m.providerRef ? <span className="block text-muted">{m.providerRef}</span> : null}
                  </td>
                  <td className={tdNum}>{m.providerFen === null ? "—" : <Money fen={m.providerFen} />}</td>
                  <td className={tdNum}>{m.ledgerFen === null ? "—" : <Money fen={m.ledgerFen} />}</td>
                  <td className={tdNum}>{m.postings}</td>
                  <td className={`${td} text-muted tabular-nums`}>{m.at ? when(m.at) : "—"}</td>
                </tr>
              ),
            }))}
          />
        )}
      </Card>
    </div>
  );
}
