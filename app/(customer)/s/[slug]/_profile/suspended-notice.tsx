import { getTranslations } from "next-intl/server";

/** The public notice on a suspended store's page, with the operator's reason. */
export async function SuspendedNotice({ reason }: { reason: string | null }) {
  const t = await getTranslations("customer.store.suspended");
  return (
    <div role="status" className="rounded-2xl border border-red-200 bg-red-50 p-4 text-sm text-red-900" data-testid="store-suspended">
      <p className="font-semibold">{t("title")}</p>
      <p className="mt-1">{t("body")}</p>
      {reason ? <p className="mt-1">{t("reason", { reason })}</p> : null}
    </div>
  );
}
