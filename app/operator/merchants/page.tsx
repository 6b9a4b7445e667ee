import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, PageHeader, SortableTable } from "@/app/_components";
import { ruleText } from "@/lib/rules/rule-text";
import { requireViewer } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { merchantsForOperator, type MerchantAdminRow } from "@/lib/merchants/onboarding";
import { percentText } from "@/lib/rules/form";
import { ReviewForm } from "./review-form";
import { SuspendForm } from "./suspend-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.merchants");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

const TONE: Record<MerchantAdminRow["status"], "brand" | "success" | "danger"> = { pending: "brand", approved: "success", rejected: "danger", closed: "danger" };

/** Cells of two-line content (a name over its address), padded like the table's headings. */
const cell = "px-2 py-2";

/** Store applications to review, and every merchant with its queue and current rule version. */
export default async function OperatorMerchantsPage() {
  await requireViewer("operator", { next: "/operator/merchants" });
  const [rows, t, locale] = await Promise.all([merchantsForOperator(), getTranslations("operator.merchants"), getLocale()]);
  const words = ruleText(locale);
  const when = (at: Date) => formatShortDateTime(at, { locale });
  const pending = rows.filter((r) => r.status === "pending");

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      <Card title={t("pending", { count: pending.length })}>
        {pending.length === 0 ? (
          <EmptyState title={t("pendingEmpty")} />
        ) : (
          <ul className="divide-y divide-line" data-testid="pending-applications">
            {pending.map((r) => (
              <li key={r.id} className="grid gap-3 py-4 md:grid-cols-[1fr_22rem]" data-testid={`application-${r.slug}`}>
                <div className="space-y-1 text-sm">
                  <p className="text-base font-medium">{r.name}</p>
                  <p className="font-mono text-muted">/s/{r.slug}</p>
                  <p>{t("applicant", { name: r.ownerDisplayName, username: r.ownerUsername, at: when(r.createdAt) })}</p>
                  <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5" data-testid={`application-details-${r.slug}`}>
                    <dt className="text-muted">{t("details.businessName")}</dt>
                    <dd>{r.businessName ?? "—"}</dd>
                    <dt className="text-muted">{t("details.licenceNo")}</dt>
                    <dd className="font-mono">{r.licenceNo ?? "—"}</dd>
                    <dt className="text-muted">{t("details.contactPhone")}</dt>
                    <dd>{r.contactPhone ?? "—"}</dd>
                    <dt className="text-muted">{t("details.address")}</dt>
                    <dd>{r.address ?? "—"}</dd>
                  </dl>
                  <p>{t("rebate", { percent: percentText(r.rebateBps), version: r.ruleVersion })}</p>
                  {r.reviewReason ? (
                    <p className="text-muted">
                      {r.reviewerUsername
                        ? t("reapplyBy", { reviewer: r.reviewerUsername, reason: r.reviewReason })
                        : t("reapply", { reason: r.reviewReason })}
                    </p>
                  ) : null}
                </div>
                <ReviewForm merchantId={r.id} slug={r.slug} name={r.name} owner={r.ownerUsername} rebate={percentText(r.rebateBps)} />
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t("all", { count: rows.length })}>
        <SortableTable
          className="min-w-[56rem]"
          data-testid="merchant-table"
          columns={[
            { label: t("cols.store") },
            { label: t("cols.status") },
            { label: t("cols.queue") },
            { label: t("cols.rules") },
            { label: t("cols.review") },
            { label: t("cols.suspension") },
          ]}
          rows={rows.map((r) => ({
            key: r.id,
            // Queue by its number, rules by the rebate they set, review by when it happened.
            values: [r.name, t(`status.${r.status}`), r.queueId, r.rebateBps, r.reviewedAt?.getTime() ?? null, r.suspendedAt?.getTime() ?? null],
            row: (
              <tr data-testid={`merchant-${r.slug}`} className="align-top">
                <td className={cell}>
                  {r.status === "approved" ? (
                    <Link className="font-medium text-brand-700 underline" href={`/s/${r.slug}`}>
                      {r.name}
                    </Link>
                  ) : (
                    <span className="font-medium">{r.name}</span>
                  )}
                  <span className="block font-mono text-xs text-muted">/s/{r.slug}</span>
                  <Link className="text-xs text-brand-700 underline" href={`/operator/merchants/${r.id}`} data-testid={`merchant-detail-${r.slug}`}>
                    {t("detail")}
                  </Link>
                </td>
                <td className={cell}>
                  <Badge tone={TONE[r.status]}>{t(`status.${r.status}`)}</Badge>
                  {r.suspendedAt ? (
                    <span className="mt-1 block">
                      <Badge tone="danger">{t("suspendedBadge")}</Badge>
                    </span>
                  ) : null}
                </td>
                <td className={cell}>
                  {r.queueId === null ? (
                    "—"
                  ) : (
                    <>
                      #{r.queueId} · {r.payoutMode ? words.mode(r.payoutMode) : ""}
                      {r.allianceName ? <span className="block text-xs text-muted">{t("alliance", { name: r.allianceName })}</span> : null}
                      <span className="block text-xs text-muted">{t("waiting", { count: r.waitingCount })}</span>
                    </>
                  )}
                </td>
                <td className={cell}>
                  {t("ruleVersion", { version: r.ruleVersion, percent: percentText(r.rebateBps) })}
                  <span className="block text-xs text-muted">{when(r.ruleChangedAt)}</span>
                </td>
                <td className={`${cell} text-xs text-muted`}>
                  {r.reviewedAt ? `${r.reviewerUsername ?? ""} ${when(r.reviewedAt)}` : "—"}
                  {r.status === "rejected" && r.reviewReason ? <span className="block">{t("reason", { reason: r.reviewReason })}</span> : null}
                </td>
                <td className={`${cell} text-xs`}>
                  {r.suspendedAt && r.suspendedReason ? (
                    <span className="mb-1 block text-muted">
                      {t("suspendedSince", { at: when(r.suspendedAt), reason: r.suspendedReason })}
                    </span>
                  ) : null}
                  {r.status === "approved" ? <SuspendForm key={r.suspendedAt ? "suspended" : "open"} merchantId={r.id} slug={r.slug} suspended={r.suspendedAt !== null} /> : "—"}
                </td>
              </tr>
            ),
          }))}
        />
      </Card>
    </div>
  );
}
