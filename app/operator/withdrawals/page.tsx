import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, Money, PageHeader, SortableTable, td, tdNum, type BadgeTone } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { decidedWithdrawals, pendingWithdrawals, pendingWithdrawalTotals, type WithdrawalStatus } from "@/lib/wallet/history";
import { DecisionButtons, DecisionProvider, DecisionStatus } from "./decision-buttons";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.withdrawals");
  return { title: t("metaTitle") };
}

const PENDING_LIMIT = 200;
const HISTORY_LIMIT = 50;

const TONE: Record<WithdrawalStatus, BadgeTone> = { requested: "warn", approved: "brand", sending: "brand", paid: "success", failed: "danger", rejected: "neutral" };

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
  const [t, locale] = await Promise.all([getTranslations("operator.withdrawals"), getLocale()]);

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <DecisionProvider>
        <Card
          title={t("pendingCount", { count: totals.count })}
          actions={
            <span className="text-xs text-muted" data-testid="pending-totals">
              {t.rich("pendingNote", { count: totals.count, amount: () => <Money fen={totals.amountFen} /> })}
            </span>
          }
        >
          <div className="mb-3">
            <DecisionStatus />
          </div>
          {pending.length === 0 ? (
            <EmptyState title={t("pendingEmpty")} description={t("pendingEmptyBody")} className="py-6" />
          ) : (
            <>
              <SortableTable
                data-testid="pending-withdrawals"
                columns={[
                  { label: t("cols.id") },
                  { label: t("cols.time") },
                  { label: t("cols.customer") },
                  { label: t("cols.account") },
                  { label: t("cols.amount"), num: true },
                  { label: t("cols.fee"), num: true },
                  { label: t("cols.net"), num: true },
                  { label: t("cols.actions"), num: true, sortable: false },
                ]}
                rows={pending.map((w) => ({
                  key: w.id,
                  values: [w.id, w.createdAt.getTime(), w.customerName, w.account?.masked ?? "", w.amountFen, w.feeFen, w.amountFen - w.feeFen],
                  row: (
                    <tr data-testid={`pending-withdrawal-${w.id}`} className="align-top">
                      <td className={`${td} text-muted`}>#{w.id}</td>
                      <td className={`${td} text-muted tabular-nums`}>{formatDateTime(w.createdAt, { locale })}</td>
                      <td className={td}>
                        <Customer name={w.customerName} username={w.username} />
                      </td>
                      <td className={`${td} whitespace-nowrap`} data-testid={`pending-withdrawal-${w.id}-account`}>
                        {w.account ? (
                          <>
                            <span className="block text-xs text-muted">{t(`accountKind.${w.account.kind}`)}</span>
                            <span className="font-mono">{w.account.masked}</span>
                          </>
                        ) : (
                          <span className="text-xs text-danger">{t("noAccount")}</span>
                        )}
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
                        <DecisionButtons withdrawalId={w.id} amountFen={w.amountFen} account={w.account ? `${t(`accountKind.${w.account.kind}`)} ${w.account.masked}` : null} />
                      </td>
                    </tr>
                  ),
                }))}
              />
              {totals.count > pending.length ? <p className="mt-2 text-xs text-muted">{t("more", { count: PENDING_LIMIT })}</p> : null}
            </>
          )}
        </Card>
      </DecisionProvider>

      <Card title={t("history")} note={t("historyNote", { count: HISTORY_LIMIT })}>
        {history.length === 0 ? (
          <EmptyState title={t("historyEmpty")} className="py-6" />
        ) : (
          <SortableTable
            data-testid="withdrawal-history"
            columns={[
              { label: t("historyCols.decided") },
              { label: t("historyCols.id") },
              { label: t("historyCols.customer") },
              { label: t("historyCols.amount"), num: true },
              { label: t("historyCols.status") },
              { label: t("historyCols.by") },
              { label: t("historyCols.reason"), sortable: false },
            ]}
            rows={history.map((w) => ({
              key: w.id,
              values: [w.decidedAt?.getTime() ?? null, w.id, w.customerName, w.amountFen, t(`status.${w.status}`), w.decidedByName],
              row: (
                <tr data-testid={`decided-withdrawal-${w.id}`}>
                  <td className={`${td} text-muted tabular-nums`}>{w.decidedAt ? formatDateTime(w.decidedAt, { locale }) : ""}</td>
                  <td className={`${td} text-muted`}>#{w.id}</td>
                  <td className={td}>
                    <Customer name={w.customerName} username={w.username} />
                  </td>
                  <td className={tdNum}>
                    <Money fen={w.amountFen} />
                  </td>
                  <td className={td}>
                    <Badge tone={TONE[w.status]}>{t(`status.${w.status}`)}</Badge>
                  </td>
                  <td className={`${td} max-w-[8rem] truncate`}>{w.decidedByName ?? ""}</td>
                  <td className="min-w-[10rem] px-2 py-1.5 text-muted">
                    {w.account ? <span className="block font-mono text-xs">{w.account.masked}</span> : null}
                    {w.failureReason ?? w.reason ?? ""}
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
