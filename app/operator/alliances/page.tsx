import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, Money, PageHeader, SortableTable } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { allianceCandidates, listAlliances, previewDissolve } from "@/lib/merchants/alliances";
import { DissolveForm, DissolveResults, JoinForm } from "./alliance-actions";
import { AllianceForm } from "./alliance-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.alliances");
  return { title: t("metaTitle") };
}

const td = "px-2 py-1.5 align-top";
const tdNum = "px-2 py-1.5 text-right align-top whitespace-nowrap tabular-nums";

export default async function OperatorAlliancesPage() {
  await requireViewer("operator", { next: "/operator/alliances" });
  const [alliances, candidates, t, locale] = await Promise.all([
    listAlliances(),
    allianceCandidates(),
    getTranslations("operator.alliances"),
    getLocale(),
  ]);
  // What dissolving each one would do now, for its confirmation (re-planned under the locks on confirm).
  const previews = new Map((await Promise.all(alliances.map((a) => previewDissolve(a.id)))).flatMap((p) => (p ? [[p.allianceId, p] as const] : [])));
  const joinable = candidates.map((c) => ({ merchantId: c.merchantId, name: c.name, waitingCount: c.waitingCount, waitingFen: c.waitingFen, poolFen: c.poolFen }));

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <Card title={t("listCount", { count: alliances.length })}>
        <DissolveResults>
          {alliances.length === 0 ? (
            <EmptyState title={t("listEmpty")} description={t("listEmptyBody")} className="py-6" />
          ) : (
            <SortableTable
              data-testid="alliances"
              columns={[
                { label: t("cols.name") },
                { label: t("cols.members"), sortable: false },
                { label: t("cols.mode") },
                { label: t("cols.pool"), num: true },
                { label: t("cols.waiting"), num: true },
                { label: t("cols.created") },
                { label: t("cols.actions"), sortable: false },
              ]}
              rows={alliances.map((a) => ({
                key: a.id,
                values: [a.name, null, t(`mode.${a.payoutMode}`), a.poolFen, a.waitingCount, a.createdAt.getTime(), null],
                row: (
                  <tr data-testid={`alliance-${a.id}`}>
                    <td className={`${td} whitespace-nowrap`}>
                      <span className="font-medium">{a.name}</span>
                      <span className="ml-1.5 text-xs text-muted">{t("queue", { id: a.queueId })}</span>
                    </td>
                    <td className={td}>
                      <ul className="flex flex-wrap gap-x-2 gap-y-0.5">
                        {a.members.map((m) => (
                          <li key={m.merchantId}>
                            <Link href={`/s/${m.slug}`} className="text-brand-700 underline">
                              {m.name}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className={td}>
                      <Badge tone={a.payoutMode === "auto" ? "brand" : "warn"}>{t(`mode.${a.payoutMode}`)}</Badge>
                    </td>
                    <td className={tdNum}>
                      <Money fen={a.poolFen} />
                    </td>
                    <td className={tdNum}>
                      {t("waiting", { count: a.waitingCount })} · <Money fen={a.waitingFen} />
                    </td>
                    <td className={`${td} whitespace-nowrap text-muted`}>
                      {formatShortDateTime(a.createdAt, { locale })} · {a.createdBy}
                    </td>
                    <td className={`${td} space-y-2`}>
                      <JoinForm allianceId={a.id} allianceName={a.name} waitingCount={a.waitingCount} candidates={joinable} />
                      {previews.get(a.id) ? <DissolveForm effect={previews.get(a.id)!} /> : null}
                    </td>
                  </tr>
                ),
              }))}
            />
          )}
        </DissolveResults>
      </Card>

      <Card title={t("formTitle")}>
        <AllianceForm
          candidates={candidates.map((c) => ({ merchantId: c.merchantId, name: c.name, slug: c.slug, poolFen: c.poolFen, waitingCount: c.waitingCount, waitingFen: c.waitingFen }))}
        />
      </Card>
    </div>
  );
}
