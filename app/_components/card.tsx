import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

/** A white panel. With `title`, it is a labelled section. */
export function Card({
  title,
  actions,
  className,
  children,
  ...rest
}: Omit<ComponentProps<"section">, "title"> & { title?: ReactNode; actions?: ReactNode }) {
  return (
    <section className={cn("rounded-2xl bg-surface p-4 shadow-sm ring-1 ring-line sm:p-5", className)} {...rest}>
      {title || actions ? (
        <header className="mb-3 flex items-center justify-between gap-3">
          {title ? <h2 className="text-base font-semibold text-ink">{title}</h2> : <span />}
          {actions}
        </header>
      ) : null}
      {children}
    </section>
  );
}
