import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { buttonClass, Card, PageHeader } from "@/app/_components";
import { requireViewer } from "@/lib/auth/session";
import { EXPORT_LIMIT_PER_HOUR } from "@/lib/privacy/export";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("privacy.data");
  return { title: t("metaTitle") };
}

const FILES = [
  { file: "json", title: "jsonTitle", body: "jsonBody", label: "json" },
  { file: "orders", title: "ordersTitle", body: null, label: "orders" },
  { file: "ledger", title: "ledgerTitle", body: null, label: "ledger" },
] as const;

/** My data: download everything kept about me, as JSON, and orders and ledger lines as CSV. */
export default async function MyDataPage() {
  await requireViewer(undefined, { next: "/me/data" });
  const t = await getTranslations("privacy.data");
  return (
    <div className="mx-auto max-w-md space-y-4">
      <PageHeader title={t("title")} description={t("description")} back={{ href: "/me", label: t("back") }} />
      {FILES.map((f) => (
        <Card key={f.file} title={t(f.title)}>
          <div className="space-y-3">
            {f.body ? <p className="text-sm text-muted">{t(f.body)}</p> : null}
            {/* A plain link: the browser downloads the file (Content-Disposition), no script needed. */}
            <a href={`/api/me/data?file=${f.file}`} download className={buttonClass("secondary", "lg")} data-testid={`download-${f.file}`}>
              {t(f.label)}
            </a>
          </div>
        </Card>
      ))}
      <p className="text-xs text-muted">{t("limit", { max: EXPORT_LIMIT_PER_HOUR })}</p>
      <p className="text-xs text-muted">{t("sessions")}</p>
    </div>
  );
}
