import type { ComponentProps } from "react";
import { cn } from "./cn";

/**
 * A modal dialog: the native <dialog>, opened with ref.current.showModal(), so focus stays inside,
 * Esc closes it and the page behind is inert. Give it aria-labelledby pointing at its heading.
 */
export function Dialog({ className, ...rest }: ComponentProps<"dialog">) {
  return (
    <dialog
      className={cn("m-auto w-[min(30rem,calc(100vw-2rem))] rounded-2xl bg-surface p-5 text-ink shadow-xl backdrop:bg-black/50", className)}
      {...rest}
    />
  );
}
