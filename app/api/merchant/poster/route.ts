import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { db } from "@/db";
import { locales } from "@/i18n/config";
import { approvedMerchantOf } from "@/lib/auth/session";
import { publicUrl } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { withAuth } from "@/lib/http/route";
import { storeUrl } from "@/lib/merchants/poster";
import { renderPoster } from "@/lib/merchants/poster-render";
import { approvedStore } from "@/lib/merchants/store";
import { bpsPercent } from "@/app/(customer)/_ui/format";

// Strict: the store comes from the session alone, so a store id or slug in the query is refused, not ignored.
const Query = z.strictObject({ format: z.enum(["png", "pdf"]), lang: z.enum(locales) });

const CONTENT_TYPE = { png: "image/png", pdf: "application/pdf" } as const;

/**
 * The owner's own store's QR poster (found from the session) as a PNG or an A4 PDF, in the language
 * chosen for the poster (not the console's). Owner only, like the poster page: the poster is the
 * store's public face, and the cashier's console has no poster page.
 */
export const GET = withAuth({ allow: ["merchant-session"] }, async (req, ctx) => {
  const parsed = Query.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) throw new DomainError("invalid_input", "poster.badQuery");
  const { format, lang } = parsed.data;
  const merchant = await approvedMerchantOf(ctx.viewer!.userId);
  const store = await approvedStore(db, { merchantId: merchant.id });
  const t = await getTranslations({ locale: lang, namespace: "merchant.poster" });
  // PUBLIC_URL, never the request's host (lib/merchants/poster.ts says why).
  const url = storeUrl(publicUrl(), merchant.slug);
  const body = await renderPoster(
    {
      storeName: merchant.name,
      url,
      lang,
      words: { tagline: t("tagline"), cta: t("cta"), rule: t("rule", { rebate: bpsPercent(store.rule.rebateBps) }), disclaimer: t("disclaimer") },
    },
    format,
  );
  return new Response(Buffer.from(body), {
    headers: {
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Type": CONTENT_TYPE[format],
      "Content-Disposition": `attachment; filename="freeline-poster-${merchant.slug}-${lang}.${format}"`,
    },
  });
});
