import Link from "next/link";
import { Badge, ButtonLink, Card, PageHeader } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatLongDateTime } from "@/lib/format/datetime";
import { applicationOf } from "@/lib/merchants/onboarding";
import { percentInput, percentText } from "@/lib/rules/form";
import { ApplyForm } from "./apply-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "申请开店 · Freeline" };

/** Apply for a store, see the application's status and, after a rejection, the reason and apply again. */
export default async function ApplyPage() {
  const viewer = await requireViewer(undefined, { next: "/apply" });
  const app = await applicationOf(viewer.userId);

  return (
    <div className="mx-auto max-w-xl space-y-4">
      <PageHeader title="申请开店" description="门店通过平台审核后即可接单：顾客扫码下单、排队免单、获得绿色积分。" />

      {viewer.role === "operator" ? (
        <Card>
          <p className="text-sm">运营账号不能申请开店。请用另一个账号注册后申请。</p>
        </Card>
      ) : app === null ? (
        <Card title="填写申请">
          <ApplyForm submitLabel="提交申请" />
        </Card>
      ) : (
        <Card title="我的申请" actions={<StatusBadge status={app.status} />}>
          <dl className="grid grid-cols-[6rem_1fr] gap-y-1 text-sm" data-testid="application">
            <dt className="text-muted">店铺名称</dt>
            <dd>{app.name}</dd>
            <dt className="text-muted">店铺地址</dt>
            <dd className="font-mono">/s/{app.slug}</dd>
            <dt className="text-muted">让利比例</dt>
            <dd>{percentText(app.rebateBps)}</dd>
            <dt className="text-muted">提交时间</dt>
            <dd>{formatLongDateTime(app.createdAt)}</dd>
          </dl>
          {app.status === "pending" ? (
            <p className="mt-3 rounded-lg bg-brand-50 p-3 text-sm text-brand-800" data-testid="application-status">
              申请审核中。运营处理后，这里会显示结果。
              {app.reviewReason ? <span className="mt-1 block text-muted">上次驳回理由：{app.reviewReason}</span> : null}
            </p>
          ) : null}
          {app.status === "approved" ? (
            <div className="mt-3 space-y-3" data-testid="application-status">
              <p className="rounded-lg bg-green-50 p-3 text-sm text-green-800">
                已通过审核{app.reviewedAt ? `（${formatLongDateTime(app.reviewedAt)}）` : ""}，店铺已开通。
                {app.reviewReason ? <span className="mt-1 block">运营备注：{app.reviewReason}</span> : null}
              </p>
              <div className="flex flex-wrap gap-3">
                <ButtonLink href="/merchant">进入商家后台</ButtonLink>
                <ButtonLink href={`/s/${app.slug}`} variant="secondary">
                  查看店铺页
                </ButtonLink>
              </div>
            </div>
          ) : null}
          {app.status === "rejected" ? (
            <div className="mt-3 space-y-4">
              <div role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800" data-testid="application-status">
                申请未通过{app.reviewedAt ? `（${formatLongDateTime(app.reviewedAt)}）` : ""}。
                <span className="mt-1 block" data-testid="rejection-reason">
                  理由：{app.reviewReason}
                </span>
              </div>
              <div>
                <h3 className="mb-2 text-sm font-semibold">修改后重新申请</h3>
                <ApplyForm
                  submitLabel="重新提交申请"
                  initial={{ name: app.name, slug: app.slug, rebate: percentInput(app.rebateBps) }}
                />
              </div>
            </div>
          ) : null}
        </Card>
      )}

      <p className="text-xs text-muted">
        开店不收取任何费用。每笔订单的让利按 <Link className="underline" href="/rules">平台规则</Link> 分配，规则调整只影响之后的新订单。
      </p>
    </div>
  );
}

function StatusBadge({ status }: { status: "pending" | "approved" | "rejected" }) {
  if (status === "approved") return <Badge tone="success">已通过</Badge>;
  if (status === "rejected") return <Badge tone="danger">未通过</Badge>;
  return <Badge tone="brand">审核中</Badge>;
}
