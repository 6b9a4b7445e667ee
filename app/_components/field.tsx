import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

const INPUT =
  "block h-11 w-full rounded-xl border border-line bg-surface px-3 text-ink placeholder:text-muted/70 " +
  "focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-200 " +
  "aria-[invalid=true]:border-danger aria-[invalid=true]:focus:ring-red-100 disabled:bg-canvas";

/** A bare text input with the house style. */
export function Input({ className, ...rest }: ComponentProps<"input">) {
  return <input className={cn(INPUT, className)} {...rest} />;
}

export type FieldProps = Omit<ComponentProps<"input">, "id"> & {
  name: string;
  label: ReactNode;
  /** Shown under the input when there is no error. */
  hint?: ReactNode;
  /** Shown under the input, announced, and linked with aria-describedby. */
  error?: string | null;
  id?: string;
};

/** The ids that tie a control to its hint and error (aria-describedby). */
function describedIds(inputId: string, hint: ReactNode, error: string | null | undefined) {
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return { hintId, errorId, describedBy };
}

/** A control's label above it, and its error and hint below, for Field and SelectField. */
function Labelled({ inputId, label, hint, error, className, children }: { inputId: string; label: ReactNode; hint?: ReactNode; error?: string | null; className?: string; children: ReactNode }) {
  const { hintId, errorId } = describedIds(inputId, hint, error);
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={inputId} className="block text-sm font-medium text-ink">
        {label}
      </label>
      {children}
      {error ? (
        <p id={errorId} className="text-sm text-danger" role="alert">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A labelled input with its hint and error. The error is tied to the input with
 * aria-describedby and aria-invalid, so screen readers read it with the field.
 */
export function Field({ name, label, hint, error, id, className, ...rest }: FieldProps) {
  const inputId = id ?? `f-${name}`;
  return (
    <Labelled inputId={inputId} label={label} hint={hint} error={error} className={className}>
      <Input id={inputId} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedIds(inputId, hint, error).describedBy} {...rest} />
    </Labelled>
  );
}

export type SelectFieldProps = Omit<ComponentProps<"select">, "id"> & { name: string; label: ReactNode; hint?: ReactNode; error?: string | null; id?: string };

/** Field's twin for a choice from a list: the same label, hint and error, on a select. */
export function SelectField({ name, label, hint, error, id, className, children, ...rest }: SelectFieldProps) {
  const inputId = id ?? `f-${name}`;
  return (
    <Labelled inputId={inputId} label={label} hint={hint} error={error} className={className}>
      <select id={inputId} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedIds(inputId, hint, error).describedBy} className={INPUT} {...rest}>
        {children}
      </select>
    </Labelled>
  );
}

/** A message for the whole form (not tied to one field). */
/** What a form says when it worked: announced politely (role="status"), beside FormError. */
export function FormSuccess({ className, ...rest }: ComponentProps<"p">) {
  return <p role="status" className={cn("rounded-xl bg-green-50 px-3 py-2 text-sm text-green-800", className)} {...rest} />;
}

export function FormError({ children }: { children?: ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="rounded-xl bg-red-50 px-3 py-2 text-sm text-danger">
      {children}
    </p>
  );
}
