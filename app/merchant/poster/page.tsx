import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { approvedStore } from "@/lib/merchants/store";
import { requireMerchant } from "@/lib/auth/session";
import { db } from "@/db";
import { publicUrl } from "@/lib/env";
import { isLocalOrigin, storeQrSvg, storeUrl } from "@/lib/merchants/poster";
import { bpsPercent } from "@/app/(customer)/_ui/format";
import { PrintButton } from "./print-button";
import { PosterDownload } from "./poster-download";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("merchant.poster");
  return { title: t("metaTitle") };
}
export const dynamic = "force-dynamic";

/** A printable A4/A5 poster: store name, the QR code that opens the store page, and a one-line rule. */
export default async function PosterPage() {
  const { merchant } = await requireMerchant({ next: "/merchant/poster" });
  const store = await approvedStore(db, { merchantId: merchant.id });
  // PUBLIC_URL, never the request's host: the poster is scanned by customers' phones, elsewhere.
  const origin = publicUrl();
  const url = storeUrl(origin, merchant.slug);
  const [svg, t] = await Promise.all([storeQrSvg(url), getTranslations("merchant.poster")]);
  return (
    <div className="space-y-4">
      {isLocalOrigin(origin) ? (
        <p role="alert" className="rounded-xl bg-amber-50 px-3 py-2 text-sm text-amber-900 print:hidden" data-testid="poster-local-warning">
          {t("localWarning", { origin })}
        </p>
      ) : null}
      <div className="flex flex-wrap items-center justify-between gap-2 print:hidden">
        <p className="text-sm text-muted">{t("printHint")}</p>
        <PrintButton />
      </div>
      <PosterDownload />
      <article
        className="poster mx-auto flex max-w-md flex-col items-center gap-4 rounded-2xl border border-line bg-white p-8 text-center text-gray-900 print:max-w-none print:border-0 print:p-0"
        data-testid="poster"
      >
        <p className="text-sm tracking-widest text-gray-600">{t("tagline")}</p>
        <h1 className="text-3xl font-bold">{merchant.name}</h1>
        <div className="w-64 max-w-full print:w-[60%]" role="img" aria-label={t("qrLabel", { name: merchant.name, url })} dangerouslySetInnerHTML={{ __html: svg }} />
        <p className="text-base">{t("rule", { rebate: bpsPercent(store.rule.rebateBps) })}</p>
        <p className="text-xs text-gray-600">{t("disclaimer")}</p>
        <p className="break-all font-mono text-xs text-gray-500">{url}</p>
      </article>
    </div>
  );
}
