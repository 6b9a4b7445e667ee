import type { ReactNode } from "react";

/** A reason textarea with its label and its error, tied together for screen readers. */
export function ReasonField({ id, label, error, defaultValue = "" }: { id: string; label: ReactNode; error: string | null; defaultValue?: string }) {
  return (
    <>
      <label htmlFor={id} className="block text-sm font-medium text-ink">
        {label}
      </label>
      <textarea
        id={id}
        name="reason"
        rows={2}
        maxLength={500}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="block w-full min-w-40 rounded-xl border border-line bg-surface px-3 py-2 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-200 aria-[invalid=true]:border-danger"
      />
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-danger">
          {error}
        </p>
      ) : null}
    </>
  );
}
