import type { ReactNode } from "react";
import { cn } from "./cn";

/**
 * A checkbox with its label beside it, the whole row a 44 px target, and its error below. Never
 * ticked by default: it records a choice the person makes (a consent, a confirmation).
 */
export function CheckField({ name, label, error, className, testId }: { name: string; label: ReactNode; error?: string | null; className?: string; testId?: string }) {
  const id = `f-${name}`;
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={id} className="flex min-h-11 cursor-pointer items-start gap-3 py-1 text-sm text-ink">
        <input
          id={id}
          type="checkbox"
          name={name}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className="mt-0.5 size-5 shrink-0 accent-brand-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
          data-testid={testId}
        />
        <span>{label}</span>
      </label>
      {error ? (
        <p id={`${id}-error`} className="text-sm text-danger" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
