import { getTranslations } from "next-intl/server";
import { setTheme } from "@/app/actions";

const button =
  "h-11 min-w-11 items-center justify-center rounded-lg px-2 text-sm text-muted hover:bg-gray-100 focus-visible:outline-2 focus-visible:outline-brand-600";

/**
 * The light/dark switch in the top bar. Which scheme shows may come from the system, which only
 * CSS knows, so both buttons are rendered and globals.css shows the one offering the other scheme.
 * A plain form post (no script needed); the choice is kept in a cookie for a year.
 */
export async function ThemeToggle() {
  const t = await getTranslations("common.theme");
  return (
    <form action={setTheme} aria-label={t("label")} className="shrink-0">
      <button type="submit" name="theme" value="dark" className={`when-light ${button}`} title={t("toDark")}>
        <span aria-hidden="true">☾</span>
        <span className="sr-only">{t("toDark")}</span>
      </button>
      <button type="submit" name="theme" value="light" className={`when-dark ${button}`} title={t("toLight")}>
        <span aria-hidden="true">☀</span>
        <span className="sr-only">{t("toLight")}</span>
      </button>
    </form>
  );
}
