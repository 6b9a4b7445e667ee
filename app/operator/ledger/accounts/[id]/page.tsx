import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { Badge, Card, EmptyState, PageHeader, pagerLinkClass, Table, td, tdNum, Th } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { accountHistory } from "@/lib/ledger/reports";
import { ledgerText } from "../../labels";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.account");
  return { title: t("metaTitle") };
}

const paramsSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const querySchema = z.object({
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});

export default async function AccountPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const parsed = paramsSchema.safeParse(await params);
  await requireViewer("operator", { next: parsed.success ? `/operator/ledger/accounts/${parsed.data.id}` : "/operator/ledger" });
  if (!parsed.success) notFound();
  const id = parsed.data.id;
  const { before } = querySchema.parse(await searchParams);
  const h = await accountHistory(id, { before });
  if (!h) notFound();
  const a = h.account;
  const [t, locale] = await Promise.all([getTranslations("operator.account"), getLocale()]);
  const words = ledgerText(locale);
  const base = `/operator/ledger/accounts/${id}`;
  // The search that lists this owner's other accounts.
  const siblings =
    a.owner.type === "user" ? a.owner.username : a.owner.type === "merchant" ? a.owner.slug : a.owner.type === "queue" ? String(a.owner.queueId) : null;

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("title", { id })}
        description={`${words.kind(a.kind)} · ${words.owner(a.owner)}`}
        actions={
          <Link href="/operator/ledger" className="text-sm font-medium text-brand-700 underline">
            {t("back")}
          </Link>
        }
      />

      <Card title={t("details")} data-testid="account-details">
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-muted">{t("kind")}</dt>
            <dd>
              {words.kind(a.kind)} <span className="font-mono text-xs text-muted">{a.kind}</span>
            </dd>
          </div>
          <div>
            <dt className="text-muted">{t("asset")}</dt>
            <dd>{a.asset}</dd>
          </div>
          <div>
            <dt className="text-muted">{t("owner")}</dt>
            <dd className="break-all">
              {words.owner(a.owner)}
              {siblings ? (
                <Link href={`/operator/ledger?q=${encodeURIComponent(siblings)}`} className="ml-2 text-brand-700 underline">
                  {t("siblings")}
                </Link>
              ) : null}
            </dd>
          </div>
          <div>
            <dt className="text-muted">{t("byEntries")}</dt>
            <dd className="text-lg font-semibold tabular-nums" data-testid="account-balance">
              {words.amount(a.asset, h.entriesTotal)}
            </dd>
          </div>
          <div>
            <dt className="text-muted">{t("kept")}</dt>
            <dd>
              {a.derived ? (
                <span className="text-muted">{t("derived")}</span>
              ) : (
                <span className="flex items-center gap-2">
                  <span className="tabular-nums">{words.amount(a.asset, a.keptBalance)}</span>
                  <Badge tone={a.keptBalance === h.entriesTotal ? "success" : "danger"}>
                    {a.keptBalance === h.entriesTotal ? t("match") : t("mismatch")}
                  </Badge>
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-muted">{t("count")}</dt>
            <dd className="tabular-nums" data-testid="account-entry-count">{h.entryCount}</dd>
          </div>
          <div>
            <dt className="text-muted">{t("opened")}</dt>
            <dd className="tabular-nums">{formatDateTime(a.createdAt, { seconds: true, locale })}</dd>
          </div>
        </dl>
      </Card>

      <Card title={t("entries")}>
        {h.entryCount === 0 ? (
          <EmptyState title={t("empty")} className="py-6" />
        ) : h.rows.length === 0 ? (
          <EmptyState
            title={t("pageEmpty")}
            action={
              <Link href={base} className="font-medium text-brand-700 underline">
                {t("newest")}
              </Link>
            }
            className="py-6"
          />
        ) : (
          <>
            <Table
              data-testid="account-entries"
              head={
                <>
                  <Th>{t("cols.time")}</Th>
                  <Th>{t("cols.tx")}</Th>
                  <Th>{t("cols.kind")}</Th>
                  <Th num>{t("cols.amount")}</Th>
                  <Th num>{t("cols.balance")}</Th>
                  <Th>{t("cols.orderNo")}</Th>
                  <Th>{t("cols.reason")}</Th>
                  <Th>{t("cols.actor")}</Th>
                </>
              }
            >
              {h.rows.map((r) => (
                <tr key={r.entryId} data-testid={`entry-${r.entryId}`}>
                  <td className={`${td} text-muted tabular-nums`}>{formatDateTime(r.createdAt, { seconds: true, locale })}</td>
                  <td className={`${td} font-mono text-xs`}>#{r.transactionId}</td>
                  <td className={td}>{words.tx(r.txKind)}</td>
                  <td className={`${tdNum} ${r.amount < 0 ? "text-danger" : "text-green-700"}`}>{words.amount(a.asset, r.amount, true)}</td>
                  <td className={tdNum}>{words.amount(a.asset, r.balanceAfter)}</td>
                  <td className={`${td} font-mono text-xs`}>
                    {r.orderNo ? (
                      <Link href={`/operator/orders?no=${r.orderNo}`} className="text-brand-700 underline">
                        {r.orderNo}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="max-w-[16rem] px-2 py-1.5 break-words">{r.reason ?? "—"}</td>
                  <td className={`${td} max-w-[10rem] truncate`}>{r.actorName ?? "—"}</td>
                </tr>
              ))}
            </Table>
            <nav aria-label={t("pagination")} className="mt-3 flex items-center justify-between gap-2 text-sm">
              {before !== undefined ? (
                <Link href={base} className={pagerLinkClass}>
                  {t("newest")}
                </Link>
              ) : (
                <span />
              )}
              {h.olderCursor !== null ? (
                <Link
                  href={`${base}?before=${h.olderCursor}`}
                  rel="next"
                  className={pagerLinkClass}
                >
                  {t("older")}
                </Link>
              ) : null}
            </nav>
          </>
        )}
      </Card>
    </div>
  );
}
