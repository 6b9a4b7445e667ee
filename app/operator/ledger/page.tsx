import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { Badge, Button, Card, EmptyState, Input, PageHeader, SortableTable, Table, td, tdNum, Th } from "@/app/_components";
import { latestAudit } from "@/lib/audit/list";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { findAccounts, platformAccountList, trialBalanceReport, type AccountSummary } from "@/lib/ledger/reports";
import { CheckPanel } from "./check-panel";
import { ledgerText } from "./labels";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.ledger");
  return { title: t("metaTitle") };
}

const querySchema = z.object({ q: z.string().trim().max(64).optional().catch(undefined) });

export default async function LedgerPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireViewer("operator", { next: "/operator/ledger" });
  const { q } = querySchema.parse(await searchParams);
  const [trial, platform, found, last] = await Promise.all([
    trialBalanceReport(),
    platformAccountList(),
    q ? findAccounts(q) : Promise.resolve(null),
    latestAudit("ledger.verify"),
  ]);
  const lastViolations = Number(last?.details.violations ?? 0);
  const [t, locale] = await Promise.all([getTranslations("operator.ledger"), getLocale()]);
  const words = ledgerText(locale);

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <Card title={t("trial")} note={t("trialNote")} data-testid="trial-balance">
        <div className="mb-4 grid gap-3 sm:grid-cols-2">
          {trial.assets.map((a) => (
            <div key={a.asset} className="rounded-xl bg-canvas px-3 py-2" data-testid={`trial-${a.asset}`}>
              <p className="text-sm text-muted">{t(`assetName.${a.asset}`)}</p>
              <p className="mt-1 flex items-center gap-2 text-lg font-semibold tabular-nums">
                <span data-testid={`trial-${a.asset}-total`}>{a.total}</span>
                <Badge tone={a.balanced ? "success" : "danger"}>{a.balanced ? t("balanced") : t("unbalanced")}</Badge>
              </p>
            </div>
          ))}
        </div>
        {trial.kinds.length === 0 ? (
          <EmptyState title={t("noEntries")} className="py-6" />
        ) : (
          <Table
            head={
              <>
                <Th>{t("kindCols.kind")}</Th>
                <Th>{t("kindCols.asset")}</Th>
                <Th num>{t("kindCols.accounts")}</Th>
                <Th num>{t("kindCols.entries")}</Th>
                <Th num>{t("kindCols.kept")}</Th>
                <Th>{t("kindCols.match")}</Th>
              </>
            }
          >
            {trial.kinds.map((k) => (
              <tr key={`${k.asset}-${k.kind}`} data-testid={`kind-${k.kind}`}>
                <td className={td}>
                  {words.kind(k.kind)} <span className="font-mono text-xs text-muted">{k.kind}</span>
                </td>
                <td className={td}>{k.asset}</td>
                <td className={tdNum}>{k.accounts}</td>
                <td className={tdNum}>{words.amount(k.asset, k.entriesTotal)}</td>
                <td className={tdNum}>{k.derived ? <span className="text-muted">{t("derived")}</span> : words.amount(k.asset, k.keptTotal)}</td>
                <td className={td}>
                  {k.derived ? (
                    <span className="text-muted">—</span>
                  ) : (
                    <Badge tone={k.keptTotal === k.entriesTotal ? "success" : "danger"}>
                      {k.keptTotal === k.entriesTotal ? t("match") : t("mismatch")}
                    </Badge>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>

      <Card title={t("check")}>
        <p className="mb-1 text-sm text-muted">{t("checkNote")}</p>
        <p className="mb-3 text-sm" data-testid="last-ledger-check">
          {last
            ? t("lastCheck", {
                at: formatDateTime(last.createdAt, { seconds: true, locale }),
                who: last.actorName ?? t("systemActor"),
                result: lastViolations === 0 ? t("allPassed") : t("violations", { count: lastViolations }),
              })
            : t("neverChecked")}
        </p>
        <CheckPanel />
      </Card>

      <Card title={t("find")}>
        <form method="get" action="/operator/ledger" className="flex flex-wrap items-end gap-2" role="search">
          <label className="min-w-0 flex-1 space-y-1.5">
            <span className="block text-sm font-medium text-ink">{t("findLabel")}</span>
            <Input name="q" defaultValue={q ?? ""} maxLength={64} autoComplete="off" data-testid="account-search" />
          </label>
          <Button type="submit" variant="secondary">
            {t("findButton")}
          </Button>
        </form>
        {found ? (
          <div className="mt-4">
            {found.length === 0 ? (
              <EmptyState title={t("noResults")} description={t("noResultsBody")} className="py-6" />
            ) : (
              <>
                <p className="mb-2 text-sm text-muted">{t("results", { count: found.length })}</p>
                <AccountTable accounts={found} testId="account-results" />
              </>
            )}
          </div>
        ) : null}
        <h3 className="mt-5 mb-2 text-sm font-semibold text-ink">{t("platform")}</h3>
        <AccountTable accounts={platform} testId="platform-accounts" />
      </Card>

      <Card title={t("export")}>
        <p className="mb-3 text-sm text-muted">{t("exportNote")}</p>
        <form method="get" action="/api/operator/payouts.csv" className="flex flex-wrap items-end gap-2">
          <label className="space-y-1.5">
            <span className="block text-sm font-medium text-ink">{t("from")}</span>
            <Input type="date" name="from" />
          </label>
          <label className="space-y-1.5">
            <span className="block text-sm font-medium text-ink">{t("to")}</span>
            <Input type="date" name="to" />
          </label>
          <Button type="submit" variant="secondary" data-testid="export-csv">
            {t("download")}
          </Button>
        </form>
      </Card>
    </div>
  );
}

async function AccountTable({ accounts, testId }: { accounts: AccountSummary[]; testId: string }) {
  const [t, locale] = await Promise.all([getTranslations("operator.ledger"), getLocale()]);
  const words = ledgerText(locale);
  // Yuan and points are not one scale: balances sort only when every account holds the same asset.
  const oneAsset = new Set(accounts.map((a) => a.asset)).size <= 1;
  return (
    <SortableTable
      data-testid={testId}
      columns={[
        { label: t("cols.id") },
        { label: t("cols.kind") },
        { label: t("cols.owner") },
        { label: t("cols.balance"), num: true, sortable: oneAsset },
      ]}
      rows={accounts.map((a) => ({
        key: a.id,
        values: [a.id, words.kind(a.kind), words.owner(a.owner), a.derived ? null : a.keptBalance],
        row: (
          <tr>
            <td className={td}>
              <Link href={`/operator/ledger/accounts/${a.id}`} className="font-medium text-brand-700 underline" data-testid={`account-link-${a.id}`}>
                #{a.id}
              </Link>
            </td>
            <td className={td}>{words.kind(a.kind)}</td>
            <td className={`${td} max-w-[20rem] truncate`}>{words.owner(a.owner)}</td>
            <td className={tdNum}>{a.derived ? <span className="text-muted">{t("derivedShort")}</span> : words.amount(a.asset, a.keptBalance)}</td>
          </tr>
        ),
      }))}
    />
  );
}
