import Link from "next/link";
import type { ReactNode } from "react";

/** The look of an area nav link, for extra links placed in `end`. */
export const areaNavLinkClass = "shrink-0 rounded-lg px-3 py-1.5 text-sm font-medium text-brand-800 hover:bg-brand-50";

/**
 * The page-top nav of a back-office area (merchant, operator): the area's name, then its pages in a
 * row that scrolls sideways on phones, then anything in `end`.
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
    <nav aria-label={label} className="-mx-1 flex items-center gap-1 overflow-x-auto border-b border-line pb-2">
      <span className="mr-2 shrink-0 px-1 text-sm text-muted">{area}</span>
      {links.map((l) => (
        <Link key={l.href} href={l.href} className={areaNavLinkClass}>
          {l.label}
        </Link>
      ))}
      {end}
    </nav>
  );
}
