import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { Card, EmptyState, PageHeader, Table, td, Th } from "@/app/_components";
import { localeOr } from "@/i18n/config";
import { requireViewer } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { dataRequests } from "@/lib/privacy/requests";

export const dynamic = "force-dynamic";

/** Message keys cannot hold dots (next-intl reads them as nesting): `privacy.export` → `privacy_export`. */
type ActionKey = "privacy_export" | "privacy_delete" | "store_export" | "store_close";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("privacy.requests");
  return { title: t("metaTitle") };
}

/** The log of data requests (PIPL): personal data downloads and deletions, store exports and closings. */
export default async function DataRequestsPage() {
  await requireViewer("operator", { next: "/operator/data-requests" });
  const [rows, t, localeRaw] = await Promise.all([dataRequests({ limit: 200 }), getTranslations("privacy.requests"), getLocale()]);
  const locale = localeOr(localeRaw);
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")} description={t("description")} />
      <Card>
        {rows.length === 0 ? (
          <EmptyState title={t("empty")} />
        ) : (
          <Table
            data-testid="data-requests"
            head={
              <>
                <Th>{t("when")}</Th>
                <Th>{t("what")}</Th>
                <Th>{t("who")}</Th>
                <Th>{t("detail")}</Th>
              </>
            }
          >
            {rows.map((r) => (
              <tr key={r.id} data-testid="data-request">
                <td className={td}>{formatDateTime(r.createdAt, { locale })}</td>
                <td className={td}>{t(`actions.${r.action.replace(".", "_") as ActionKey}`)}</td>
                <td className={td}>
                  {r.userId === null ? "—" : r.deleted ? t("deletedUser", { id: r.userId }) : t("user", { id: r.userId, name: r.userName ?? "" })}
                </td>
                <td className={td}>{[r.subjectType === "merchant" ? t("store", { id: r.subjectId }) : null, r.file].filter(Boolean).join(" · ")}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </div>
  );
}
