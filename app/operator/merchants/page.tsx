import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, EmptyState, PageHeader } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { merchantsForOperator, type MerchantAdminRow } from "@/lib/merchants/onboarding";
import { PAYOUT_MODE_LABEL, percentText } from "@/lib/rules/form";
import { ReviewForm } from "./review-form";

export const metadata: Metadata = { title: "商家 · Freeline 运营" };
export const dynamic = "force-dynamic";

const STATUS: Record<MerchantAdminRow["status"], { label: string; tone: "brand" | "success" | "danger" }> = {
  pending: { label: "待审核", tone: "brand" },
  approved: { label: "已通过", tone: "success" },
  rejected: { label: "已驳回", tone: "danger" },
};

/** Store applications to review, and every merchant with its queue and current rule version. */
export default async function OperatorMerchantsPage() {
  await requireViewer("operator", { next: "/operator/merchants" });
  const rows = await merchantsForOperator();
  const pending = rows.filter((r) => r.status === "pending");

  return (
    <div className="space-y-4">
      <PageHeader title="商家" description="审核开店申请；查看每家店的状态、队列和当前规则版本。" />

      <Card title={`待审核申请（${pending.length}）`}>
        {pending.length === 0 ? (
          <EmptyState title="没有待审核的申请" />
        ) : (
          <ul className="divide-y divide-line" data-testid="pending-applications">
            {pending.map((r) => (
              <li key={r.id} className="grid gap-3 py-4 md:grid-cols-[1fr_22rem]" data-testid={`application-${r.slug}`}>
                <div className="space-y-1 text-sm">
                  <p className="text-base font-medium">{r.name}</p>
                  <p className="font-mono text-muted">/s/{r.slug}</p>
                  <p>
                    申请人 {r.ownerDisplayName}（{r.ownerUsername}）· 提交于 {formatShortDateTime(r.createdAt)}
                  </p>
                  <p>让利 {percentText(r.rebateBps)} · 规则 v{r.ruleVersion}</p>
                  {r.reviewReason ? (
                    <p className="text-muted">
                      重新申请。上次驳回{r.reviewerUsername ? `（${r.reviewerUsername}）` : ""}：{r.reviewReason}
                    </p>
                  ) : null}
                </div>
                <ReviewForm merchantId={r.id} slug={r.slug} />
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={`全部商家（${rows.length}）`}>
        <div className="overflow-x-auto">
          <table className="w-full min-w-[44rem] text-left text-sm" data-testid="merchant-table">
            <thead className="text-xs text-muted">
              <tr>
                <th className="py-2 pr-3 font-medium">店铺</th>
                <th className="py-2 pr-3 font-medium">状态</th>
                <th className="py-2 pr-3 font-medium">队列</th>
                <th className="py-2 pr-3 font-medium">当前规则</th>
                <th className="py-2 font-medium">审核</th>
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
                    <Badge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Badge>
                  </td>
                  <td className="py-2 pr-3">
                    {r.queueId === null ? (
                      "—"
                    ) : (
                      <>
                        #{r.queueId} · {r.payoutMode ? PAYOUT_MODE_LABEL[r.payoutMode] : ""}
                        {r.allianceName ? <span className="block text-xs text-muted">联盟：{r.allianceName}</span> : null}
                        <span className="block text-xs text-muted">排队 {r.waitingCount} 笔</span>
                      </>
                    )}
                  </td>
                  <td className="py-2 pr-3">
                    v{r.ruleVersion} · 让利 {percentText(r.rebateBps)}
                    <span className="block text-xs text-muted">{formatShortDateTime(r.ruleChangedAt)}</span>
                  </td>
                  <td className="py-2 text-xs text-muted">
                    {r.reviewedAt ? `${r.reviewerUsername ?? ""} ${formatShortDateTime(r.reviewedAt)}` : "—"}
                    {r.status === "rejected" && r.reviewReason ? <span className="block">理由：{r.reviewReason}</span> : null}
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
