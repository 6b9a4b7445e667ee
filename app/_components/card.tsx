import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

/** A white panel. With `title`, it is a labelled section; its header shows `actions`, or else a small `note`. */
export function Card({
  title,
  note,
  actions,
  className,
  children,
  ...rest
}: Omit<ComponentProps<"section">, "title"> & { title?: ReactNode; note?: ReactNode; actions?: ReactNode }) {
  const aside = actions ?? (note ? <span className="text-xs text-muted">{note}</span> : null);
  return (
    <section className={cn("rounded-2xl bg-surface p-4 shadow-sm ring-1 ring-line sm:p-5", className)} {...rest}>
      {title || aside ? (
        <header className="mb-3 flex items-center justify-between gap-3">
          {title ? <h2 className="text-base font-semibold text-ink">{title}</h2> : <span />}
          {aside}
        </header>
      ) : null}
      {children}
    </section>
  );
}
