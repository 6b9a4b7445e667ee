import Link from "next/link";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

type Variant = "primary" | "secondary" | "ghost" | "danger";
type Size = "md" | "lg" | "sm";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-accent text-white hover:bg-accent-strong active:bg-accent-deep disabled:bg-brand-300",
  secondary: "bg-surface text-brand-700 ring-1 ring-inset ring-brand-200 hover:bg-brand-50 disabled:text-muted",
  ghost: "text-brand-700 hover:bg-brand-50 disabled:text-muted",
  danger: "bg-danger-solid text-white hover:brightness-95 disabled:opacity-60",
};

const SIZES: Record<Size, string> = {
  sm: "h-8 px-3 text-sm",
  md: "h-11 px-4 text-base",
  lg: "h-12 px-5 text-base w-full",
};

/** The classes of a button, for links and other elements that should look like one. */
export function buttonClass(variant: Variant = "primary", size: Size = "md", extra?: string): string {
  return cn(
    "inline-flex items-center justify-center gap-2 rounded-xl font-medium transition-colors select-none",
    "disabled:cursor-not-allowed",
    VARIANTS[variant],
    SIZES[size],
    extra,
  );
}

function Spinner() {
  return (
    <span
      aria-hidden="true"
      className="inline-block size-4 animate-spin rounded-full border-2 border-current border-r-transparent"
    />
  );
}

export type ButtonProps = ComponentProps<"button"> & {
  variant?: Variant;
  size?: Size;
  /** While true the button is disabled, shows a spinner and, if given, `pendingText`. */
  pending?: boolean;
  pendingText?: ReactNode;
};

/** A button. Submit buttons pass `pending` from useActionState so a form is not sent twice. */
export function Button({
  variant = "primary",
  size = "md",
  pending = false,
  pendingText,
  className,
  disabled,
  children,
  type = "button",
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={buttonClass(variant, size, className)}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      {...rest}
    >
      {pending && <Spinner />}
      {pending && pendingText ? pendingText : children}
    </button>
  );
}

/** A link styled as a button. */
export function ButtonLink({
  variant = "primary",
  size = "md",
  className,
  ...rest
}: ComponentProps<typeof Link> & { variant?: Variant; size?: Size }) {
  return <Link className={buttonClass(variant, size, className)} {...rest} />;
}
