import Link from "next/link";
import type { ReactNode } from "react";

/** A page's title, with an optional line under it. */
/** `back`: the way up from a sub-page (e.g. the wallet back to /me), shown where `actions` would be. */
export function PageHeader({
  title,
  description,
  actions,
  back,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  back?: { href: string; label: string };
}) {
  return (
    <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-ink sm:text-2xl">{title}</h1>
        {description ? <p className="mt-1 text-sm text-muted">{description}</p> : null}
      </div>
      {actions ??
        (back ? (
          <Link href={back.href} className="inline-flex min-h-11 min-w-11 items-center text-sm font-medium text-brand-700 underline">
            {back.label}
          </Link>
        ) : null)}
    </div>
  );
}
