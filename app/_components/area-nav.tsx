import Link from "next/link";
import type { ReactNode } from "react";

/** The look of an area nav link, for extra links placed in `end`. */
export const areaNavLinkClass =
  "inline-flex h-11 shrink-0 items-center rounded-lg px-3 text-sm font-medium text-brand-800 hover:bg-brand-50";

/**
 * The page-top nav of a back-office area (merchant, operator): the area's name, then its pages,
 * then anything in `end`. The row wraps on phones rather than scrolling sideways, so no page's
 * link is hidden past the edge of a 360 px screen.
 */
export function AreaNav({
  label,
  area,
  links,
  end,
}: {
  label: string;
  area: ReactNode;
  links: readonly { href: string; label: string }[];
  end?: ReactNode;
}) {
  return (
    <nav aria-label={label} className="-mx-1 flex flex-wrap items-center gap-x-1 border-b border-line pb-2">
      <span className="mr-2 min-w-0 basis-full px-1 text-sm break-words text-muted sm:basis-auto">{area}</span>
      {links.map((l) => (
        <Link key={l.href} href={l.href} className={areaNavLinkClass}>
          {l.label}
        </Link>
      ))}
      {end}
    </nav>
  );
}
