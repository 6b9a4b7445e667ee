import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { buttonClass, Card, PageHeader } from "@/app/_components";
import { errorText } from "@/i18n/errors";
import { requireMerchant } from "@/lib/auth/session";
import { closingError, storeClosingBlockers } from "@/lib/merchants/closing";
import { CloseForm } from "./close-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("privacy.store");
  return { title: t("metaTitle") };
}

/** Store data: the owner's export of the store, and closing it (with what stands in the way). */
export default async function StoreDataPage() {
  const { merchant } = await requireMerchant({ next: "/merchant/data" });
  const [blockers, t] = await Promise.all([storeClosingBlockers(merchant.id), getTranslations("privacy.store")]);
  const reasons = await Promise.all(blockers.map((b) => closingError(b)).map((e) => errorText(e.message, e.params)));
  return (
    <div className="max-w-2xl space-y-4">
      <PageHeader title={t("title")} description={t("description")} />
      <Card title={t("exportTitle")}>
        <div className="space-y-3">
          <p className="text-sm text-muted">{t("exportBody")}</p>
          <div className="flex flex-wrap gap-3">
            <a href="/api/merchant/data?file=json" download className={buttonClass("secondary")} data-testid="store-download-json">
              {t("json")}
            </a>
            <a href="/api/merchant/data?file=orders" download className={buttonClass("secondary")} data-testid="store-download-orders">
              {t("orders")}
            </a>
          </div>
        </div>
      </Card>
      <Card title={t("closeTitle")}>
        <div className="space-y-4">
          <p className="text-sm text-muted">{t("closeBody")}</p>
          {reasons.length > 0 ? (
            <div role="alert" className="rounded-xl bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="close-blockers">
              <p className="font-medium">{t("blockedTitle")}</p>
              <ul className="list-disc pl-5">
                {reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="text-sm" data-testid="close-ready">{t("ready")}</p>
          )}
          {/* Shown either way: the check is made again under the store's lock when it is sent. */}
          <CloseForm slug={merchant.slug} />
        </div>
      </Card>
    </div>
  );
}
