import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { useTranslations } from "next-intl";
import { Badge, ButtonLink, Card, PageHeader } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { formatLongDateTime } from "@/lib/format/datetime";
import { applicationOf } from "@/lib/merchants/onboarding";
import { percentInput, percentText } from "@/lib/rules/form";
import { ApplyForm } from "./apply-form";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const [t, ts] = await Promise.all([getTranslations("customer.apply"), getTranslations("customer.shared")]);
  return { title: ts("titleSuffix", { title: t("title") }) };
}

/** Apply for a store, see the application's status and, after a rejection, the reason and apply again. */
export default async function ApplyPage() {
  const viewer = await requireViewer(undefined, { next: "/apply" });
  const [app, t, locale] = await Promise.all([applicationOf(viewer.userId), getTranslations("customer.apply"), getLocale()]);
  const when = (at: Date) => formatLongDateTime(at, { locale });

  return (
    <div className="mx-auto max-w-xl space-y-4">
      <PageHeader title={t("title")} description={t("description")} />

      {viewer.role === "operator" ? (
        <Card>
          <p className="text-sm">{t("operator")}</p>
        </Card>
      ) : app === null ? (
        <Card title={t("formTitle")}>
          <ApplyForm submitLabel={t("submit")} />
        </Card>
      ) : (
        <Card title={t("mine")} actions={<StatusBadge status={app.status} />}>
          <dl className="grid grid-cols-[7rem_1fr] gap-y-1 text-sm" data-testid="application">
            <dt className="text-muted">{t("name")}</dt>
            <dd>{app.name}</dd>
            <dt className="text-muted">{t("slug")}</dt>
            <dd className="font-mono">/s/{app.slug}</dd>
            <dt className="text-muted">{t("form.businessName")}</dt>
            <dd>{app.businessName ?? "—"}</dd>
            <dt className="text-muted">{t("form.licenceNo")}</dt>
            <dd className="font-mono">{app.licenceNo ?? "—"}</dd>
            <dt className="text-muted">{t("form.contactPhone")}</dt>
            <dd>{app.contactPhone ?? "—"}</dd>
            <dt className="text-muted">{t("form.address")}</dt>
            <dd>{app.address ?? "—"}</dd>
            <dt className="text-muted">{t("rebate")}</dt>
            <dd>{percentText(app.rebateBps)}</dd>
            <dt className="text-muted">{t("submittedAt")}</dt>
            <dd>{when(app.createdAt)}</dd>
          </dl>
          {app.status === "pending" ? (
            <p className="mt-3 rounded-lg bg-brand-50 p-3 text-sm text-brand-800" data-testid="application-status">
              {t("pending")}
              {app.reviewReason ? <span className="mt-1 block text-muted">{t("lastReason", { reason: app.reviewReason })}</span> : null}
            </p>
          ) : null}
          {app.status === "approved" ? (
            <div className="mt-3 space-y-3" data-testid="application-status">
              <p className="rounded-lg bg-green-50 p-3 text-sm text-green-800">
                {app.reviewedAt ? t("approvedAt", { at: when(app.reviewedAt) }) : t("approved")}
                {app.reviewReason ? <span className="mt-1 block">{t("note", { reason: app.reviewReason })}</span> : null}
              </p>
              <div className="flex flex-wrap gap-3">
                <ButtonLink href="/merchant">{t("console")}</ButtonLink>
                <ButtonLink href={`/s/${app.slug}`} variant="secondary">
                  {t("storePage")}
                </ButtonLink>
              </div>
            </div>
          ) : null}
          {app.status === "rejected" ? (
            <div className="mt-3 space-y-4">
              <div role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800" data-testid="application-status">
                {app.reviewedAt ? t("rejectedAt", { at: when(app.reviewedAt) }) : t("rejected")}
                <span className="mt-1 block" data-testid="rejection-reason">
                  {t("reason", { reason: app.reviewReason ?? "" })}
                </span>
              </div>
              <div>
                <h3 className="mb-2 text-sm font-semibold">{t("again")}</h3>
                <ApplyForm
                  submitLabel={t("resubmit")}
                  initial={{
                    name: app.name,
                    slug: app.slug,
                    businessName: app.businessName ?? "",
                    licenceNo: app.licenceNo ?? "",
                    contactPhone: app.contactPhone ?? "",
                    address: app.address ?? "",
                    rebateBps: percentInput(app.rebateBps),
                  }}
                />
              </div>
            </div>
          ) : null}
        </Card>
      )}

      <p className="text-xs text-muted">
        {t.rich("free", {
          rules: (chunks) => (
            <Link className="underline" href="/rules">
              {chunks}
            </Link>
          ),
        })}
      </p>
    </div>
  );
}

function StatusBadge({ status }: { status: "pending" | "approved" | "rejected" | "closed" }) {
  const t = useTranslations("customer.apply.status");
  const tone = status === "approved" ? "success" : status === "rejected" || status === "closed" ? "danger" : "brand";
  return <Badge tone={tone}>{t(status)}</Badge>;
}
