import Link from "next/link";
import { useTranslations } from "next-intl";

/** The look of a pager's step link, also used by cursor pagers that step only one way. */
export const pagerLinkClass = "rounded-lg px-3 py-1.5 font-medium text-brand-700 ring-1 ring-inset ring-brand-200 hover:bg-brand-50";
const offClass = "rounded-lg px-3 py-1.5 text-muted/60 ring-1 ring-inset ring-line";

/**
 * Previous / "page 2 of 5, 93 in all" / next, under a paged list. `href` builds the link for a page
 * number, keeping the list's other filters; `unit` counts the rows, already in the reader's language
 * (default 条 / rows; e.g. 笔 / orders for orders).
 * A page past the end steps back to the last page.
 */
export function Pager({
  page,
  pages,
  total,
  href,
  unit,
}: {
  page: number;
  pages: number;
  total: number;
  href: (page: number) => string;
  unit?: string;
}) {
  const t = useTranslations("common.pager");
  return (
    <nav aria-label={t("label")} className="mt-3 flex items-center justify-between gap-2 text-sm">
      {page > 1 ? (
        <Link href={href(Math.min(page - 1, pages))} className={pagerLinkClass} rel="prev">
          {t("prev")}
        </Link>
      ) : (
        <span className={offClass} aria-disabled="true">{t("prev")}</span>
      )}
      <span className="text-muted">{t("summary", { page, pages, total, unit: unit ?? t("rows") })}</span>
      {page < pages ? (
        <Link href={href(page + 1)} className={pagerLinkClass} rel="next">
          {t("next")}
        </Link>
      ) : (
        <span className={offClass} aria-disabled="true">{t("next")}</span>
      )}
    </nav>
  );
}
