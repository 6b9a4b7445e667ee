import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, PageHeader } from "@/app/_components";
import { ruleText } from "@/i18n/rule-text";
import { requireViewer } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { merchantsForOperator, type MerchantAdminRow } from "@/lib/merchants/onboarding";
import { percentText } from "@/lib/rules/form";
import { ReviewForm } from "./review-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("operator.merchants");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

const TONE: Record<MerchantAdminRow["status"], "brand" | "success" | "danger"> = { pending: "brand", approved: "success", rejected: "danger" };

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
                  <p>{t("rebate", { percent: percentText(r.rebateBps), version: r.ruleVersion })}</p>
                  {r.reviewReason ? (
                    <p className="text-muted">
                      {r.reviewerUsername
                        ? t("reapplyBy", { reviewer: r.reviewerUsername, reason: r.reviewReason })
                        : t("reapply", { reason: r.reviewReason })}
                    </p>
                  ) : null}
                </div>
                <ReviewForm merchantId={r.id} slug={r.slug} />
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t("all", { count: rows.length })}>
        <div className="overflow-x-auto">
          <table className="w-full min-w-[44rem] text-left text-sm" data-testid="merchant-table">
            <thead className="text-xs text-muted">
              <tr>
                <th className="py-2 pr-3 font-medium">{t("cols.store")}</th>
                <th className="py-2 pr-3 font-medium">{t("cols.status")}</th>
                <th className="py-2 pr-3 font-medium">{t("cols.queue")}</th>
                <th className="py-2 pr-3 font-medium">{t("cols.rules")}</th>
                <th className="py-2 font-medium">{t("cols.review")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {rows.map((r) => (
                <tr key={r.id} data-testid={`merchant-${r.slug}`}>
                  <td className="py-2 pr-3">
                    {r.status === "approved" ? (
                      <Link className="font-medium text-brand-700 underline" href={`/s/${r.slug}`}>
                        {r.name}
                      </Link>
                    ) : (
                      <span className="font-medium">{r.name}</span>
                    )}
                    <span className="block font-mono text-xs text-muted">/s/{r.slug}</span>
                  </td>
                  <td className="py-2 pr-3">
                    <Badge tone={TONE[r.status]}>{t(`status.${r.status}`)}</Badge>
                  </td>
                  <td className="py-2 pr-3">
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
                  <td className="py-2 pr-3">
                    {t("ruleVersion", { version: r.ruleVersion, percent: percentText(r.rebateBps) })}
                    <span className="block text-xs text-muted">{when(r.ruleChangedAt)}</span>
                  </td>
                  <td className="py-2 text-xs text-muted">
                    {r.reviewedAt ? `${r.reviewerUsername ?? ""} ${when(r.reviewedAt)}` : "—"}
                    {r.status === "rejected" && r.reviewReason ? <span className="block">{t("reason", { reason: r.reviewReason })}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
