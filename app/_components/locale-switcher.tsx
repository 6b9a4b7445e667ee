import { getLocale, getTranslations } from "next-intl/server";
import { setLocale } from "@/app/actions";
import { locales } from "@/i18n/config";

/**
 * The language switch in the top bar: one button per other language, each named in its own
 * language (a reader who cannot read the current one still finds theirs). A plain form post, so it
 * works before (or without) JavaScript, and the cookie it sets is kept for a year.
 */
export async function LocaleSwitcher() {
  const [locale, t] = await Promise.all([getLocale(), getTranslations("common")]);
  return (
    <form action={setLocale} aria-label={t("language.label")} className="shrink-0">
      {locales
        .filter((l) => l !== locale)
        .map((l) => (
          <button
            key={l}
            type="submit"
            name="locale"
            value={l}
            className="inline-flex h-11 min-w-11 items-center justify-center whitespace-nowrap rounded-lg px-2 text-sm text-muted hover:bg-gray-100 focus-visible:outline-2 focus-visible:outline-brand-600 sm:px-2.5"
          >
            <span className="sr-only">{t("language.switchTo")}</span>
            <span lang={l}>{t(`localeNames.${l}`)}</span>
          </button>
        ))}
    </form>
  );
}
