import { getLocale, getTranslations } from "next-intl/server";
import { buttonClass, SelectField } from "@/app/_components";
import { locales } from "@/i18n/config";

/**
 * The poster as a file: a plain GET form to /api/merchant/poster, so the browser downloads the PNG or
 * PDF itself (the answer is an attachment) and nothing needs JavaScript. The poster's language is
 * chosen here, starting from the console's, and may differ from it (an English console printing a
 * Chinese poster, or the other way round).
 */
export async function PosterDownload() {
  const [t, tl, locale] = await Promise.all([getTranslations("merchant.poster"), getTranslations("common.localeNames"), getLocale()]);
  return (
    <section aria-labelledby="poster-download-title" className="space-y-3 rounded-2xl border border-line bg-surface p-4 print:hidden">
      <h2 id="poster-download-title" className="text-base font-semibold text-ink">
        {t("downloadTitle")}
      </h2>
      <p className="text-sm text-muted">{t("downloadHint")}</p>
      <form method="get" action="/api/merchant/poster" className="flex flex-wrap items-end gap-2" data-testid="poster-download">
        <SelectField id="poster-lang" name="lang" label={t("language")} defaultValue={locale}>
          {locales.map((l) => (
            <option key={l} value={l} lang={l}>
              {tl(l)}
            </option>
          ))}
        </SelectField>
        <button type="submit" name="format" value="png" className={buttonClass("secondary")}>
          {t("downloadPng")}
        </button>
        <button type="submit" name="format" value="pdf" className={buttonClass("secondary")}>
          {t("downloadPdf")}
        </button>
      </form>
    </section>
  );
}
