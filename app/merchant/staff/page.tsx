import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { Badge, Card, EmptyState, PageHeader } from "@/app/_components";
import { requireMerchant } from "@/lib/auth/session";
import { formatShortDateTime } from "@/lib/format/datetime";
import { staffOf } from "@/lib/merchants/staff";
import { EndButton, InviteForm } from "./staff-forms";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.staff");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

/** The owner's staff page: invite cashiers, see who works the till, revoke. Owners only. */
export default async function StaffPage() {
  const { merchant } = await requireMerchant({ next: "/merchant/staff" });
  const [{ staff, invites }, t, locale] = await Promise.all([staffOf(merchant.id), getTranslations("merchant.staff"), getLocale()]);
  const th = "px-2 py-2 text-left font-medium";
  const td = "px-2 py-2 align-middle";
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />
      <Card title={t("invite.title")}>
        <p className="mb-3 text-sm text-muted">{t("invite.body")}</p>
        <InviteForm />
      </Card>
      <Card title={t("listTitle")}>
        {staff.length === 0 ? (
          <EmptyState title={t("empty")} className="py-6" />
        ) : (
          <div className="-mx-2 overflow-x-auto">
            <table className="w-full min-w-[32rem] text-sm" data-testid="staff">
              <thead className="border-b border-line text-muted">
                <tr>
                  <th className={th}>{t("cols.name")}</th>
                  <th className={th}>{t("cols.added")}</th>
                  <th className={th}>{t("cols.status")}</th>
                  <th className={`${th} text-right`}>{t("cols.actions")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {staff.map((s) => (
                  <tr key={s.id} className={s.revokedAt ? "text-muted" : undefined}>
                    <td className={`${td} font-medium`}>
                      {s.displayName} <span className="text-xs text-muted">@{s.username}</span>
                    </td>
                    <td className={td}>{formatShortDateTime(s.addedAt, { locale })}</td>
                    <td className={td}>{s.revokedAt ? <Badge tone="neutral">{t("revoked")}</Badge> : <Badge tone="success">{t("active")}</Badge>}</td>
                    <td className={`${td} text-right`}>{s.revokedAt ? null : <EndButton kind="staff" id={s.id} name={s.displayName} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {invites.length > 0 ? (
        <Card title={t("openInvites")}>
          <ul className="divide-y divide-line text-sm">
            {invites.map((i) => (
              <li key={i.id} className="flex items-center justify-between gap-2 py-2">
                <span>{t("inviteRow", { created: formatShortDateTime(i.createdAt, { locale }), expires: formatShortDateTime(i.expiresAt, { locale }) })}</span>
                <EndButton kind="invite" id={i.id} name={`#${i.id}`} />
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
