import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Button, Card, EmptyState, Input, Money, PageHeader, Table, Th, td, tdNum } from "@/app/_components";
import { errorText } from "@/i18n/errors";
import { requireMerchant } from "@/lib/auth/session";
import { formatFen } from "@/lib/money/format";
import { settlementReport, settlementTotals } from "@/lib/merchants/settlement";
import { parseSettlementRange } from "@/lib/merchants/settlement-range";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.settlement");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

/** The store's settlement per day, from the ledger: sales, rebate, refunds, what it owes the platform and what it is paid. */
export default async function SettlementPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { merchant } = await requireMerchant({ next: "/merchant/settlement" });
  const raw = await searchParams;
  const asked = parseSettlementRange(raw);
  // A bad range says why and shows the default one.
  const range = asked.ok ? asked.range : (parseSettlementRange({}) as { ok: true; range: { from: string; to: string } }).range;
  const [days, t] = await Promise.all([settlementReport(merchant.id, range), getTranslations("merchant.settlement")]);
  const error = asked.ok ? null : await errorText(asked.error);
  const total = settlementTotals(days);
  const csv = `/api/merchant/settlement.csv?from=${range.from}&to=${range.to}`;

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <a href={csv} download className="inline-flex min-h-11 items-center text-sm font-medium text-brand-700 underline" data-testid="settlement-csv">
            {t("csv")}
          </a>
        }
      />

      <Card>
        <form method="get" className="flex flex-wrap items-end gap-2" data-testid="settlement-range">
          <div className="space-y-1.5">
            <label htmlFor="settlement-from" className="block text-sm font-medium text-ink">
              {t("from")}
            </label>
            <Input id="settlement-from" name="from" type="date" defaultValue={range.from} />
          </div>
          <div className="space-y-1.5">
            <label htmlFor="settlement-to" className="block text-sm font-medium text-ink">
              {t("to")}
            </label>
            <Input id="settlement-to" name="to" type="date" defaultValue={range.to} />
          </div>
          <Button type="submit" variant="secondary">
            {t("show")}
          </Button>
        </form>
        {error ? (
          <p role="alert" className="mt-2 text-sm text-danger" data-testid="settlement-error">
            {error}
          </p>
        ) : null}
      </Card>

      <Card title={t("totals", { from: range.from, to: range.to })}>
        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-3" data-testid="settlement-totals">
          {(
            [
              ["sales", total.salesFen],
              ["rebate", total.rebateFen],
              ["refunds", total.refundsFen],
              ["owed", total.owedFen],
              ["paid", total.paidFen],
              ["balance", total.balanceFen],
            ] as const
          ).map(([key, fen]) => (
            <div key={key}>
              <dt className="text-muted">{t(`col.${key}`)}</dt>
              <dd className="text-lg font-semibold" data-testid={`settlement-total-${key}`}>
                <Money fen={fen} />
              </dd>
            </div>
          ))}
        </dl>
        {total.balanceFen < 0 ? (
          <p className="mt-2 text-sm text-danger" data-testid="settlement-owes">
            {t("owes", { amount: formatFen(-total.balanceFen) })}
          </p>
        ) : null}
      </Card>

      <Card title={t("days")}>
        {days.length === 0 ? (
          <EmptyState title={t("empty")} description={t("emptyBody")} />
        ) : (
          <Table
            data-testid="settlement-days"
            head={
              <>
                <Th>{t("col.day")}</Th>
                <Th num>{t("col.orders")}</Th>
                <Th num>{t("col.sales")}</Th>
                <Th num>{t("col.rebate")}</Th>
                <Th num>{t("col.refunds")}</Th>
                <Th num>{t("col.owed")}</Th>
                <Th num>{t("col.paid")}</Th>
                <Th num>{t("col.balance")}</Th>
              </>
            }
          >
            {days.map((d) => (
              <tr key={d.day} data-testid={`settlement-day-${d.day}`}>
                <td className={td}>{d.day}</td>
                <td className={tdNum}>{d.orders}</td>
                <td className={tdNum}>
                  <Money fen={d.salesFen} />
                </td>
                <td className={tdNum}>
                  <Money fen={d.rebateFen} />
                  <span className="block text-xs text-muted">{t("fee", { amount: formatFen(d.platformFeeFen) })}</span>
                </td>
                <td className={tdNum}>
                  <Money fen={d.refundsFen} />
                  {d.refunds > 0 ? <span className="block text-xs text-muted">{t("refundCount", { count: d.refunds })}</span> : null}
                </td>
                <td className={tdNum}>
                  <Money fen={d.owedFen} />
                  {d.shortfallFen > 0 ? (
                    <span className="block text-xs text-muted">{t("shortfall", { amount: formatFen(d.shortfallFen) })}</span>
                  ) : null}
                </td>
                <td className={tdNum}>
                  <Money fen={d.paidFen} signed />
                </td>
                <td className={tdNum}>
                  <Money fen={d.balanceFen} />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>

      <Card title={t("how")}>
        <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="settlement-notes">
          {(["sales", "rebate", "refunds", "owed", "paid", "balance"] as const).map((k) => (
            <li key={k}>{t(`note.${k}`)}</li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
