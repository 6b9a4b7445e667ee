import Link from "next/link";

/** The look of a pager's step link, also used by cursor pagers that step only one way. */
export const pagerLinkClass = "rounded-lg px-3 py-1.5 font-medium text-brand-700 ring-1 ring-inset ring-brand-200 hover:bg-brand-50";
const offClass = "rounded-lg px-3 py-1.5 text-muted/60 ring-1 ring-inset ring-line";

/**
 * Previous / "page 2 of 5, 93 in all" / next, under a paged list. `href` builds the link for a page
 * number, keeping the list's other filters; `unit` counts the rows (条, or 笔 for orders).
 * A page past the end steps back to the last page.
 */
export function Pager({
  page,
  pages,
  total,
  href,
  unit = "条",
}: {
  page: number;
  pages: number;
  total: number;
  href: (page: number) => string;
  unit?: string;
}) {
  return (
    <nav aria-label="分页" className="mt-3 flex items-center justify-between gap-2 text-sm">
      {page > 1 ? (
        <Link href={href(Math.min(page - 1, pages))} className={pagerLinkClass} rel="prev">
          上一页
        </Link>
      ) : (
        <span className={offClass} aria-disabled="true">上一页</span>
      )}
      <span className="text-muted">{`第 ${page} / ${pages} 页，共 ${total} ${unit}`}</span>
      {page < pages ? (
        <Link href={href(page + 1)} className={pagerLinkClass} rel="next">
          下一页
        </Link>
      ) : (
        <span className={offClass} aria-disabled="true">下一页</span>
      )}
    </nav>
  );
}
