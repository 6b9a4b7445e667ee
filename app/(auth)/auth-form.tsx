"use client";

import { useActionState, type ReactNode } from "react";
import { Button, FormError } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";

/** What the fields need from the last failed submit: each field's message and the values to keep. */
export type AuthFormErrors = {
  fieldError: (name: string) => string | null;
  values: Record<string, string> | undefined;
};

/**
 * The form both auth pages share: it carries `next` on, shows a form-wide error only when no field
 * has its own, and ends with the submit button. `fields` draws the inputs.
 */
export function AuthForm<T extends object>({
  action,
  next,
  submit,
  pendingText,
  fields,
}: {
  action: (prev: ActionState<T>, formData: FormData) => Promise<ActionState<T>>;
  next: string | null;
  submit: string;
  pendingText: string;
  fields: (errors: AuthFormErrors) => ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const err = state && !state.ok ? state : null;
  const hasFieldErrors = !!err?.fieldErrors && Object.keys(err.fieldErrors).length > 0;

  return (
    <form action={formAction} className="space-y-4" noValidate>
      {next ? <input type="hidden" name="next" value={next} /> : null}
      {fields({ fieldError: (name) => err?.fieldErrors?.[name] ?? null, values: err?.values })}
      {err && !hasFieldErrors ? <FormError>{err.error}</FormError> : null}
      <Button type="submit" size="lg" pending={pending} pendingText={pendingText}>
        {submit}
      </Button>
    </form>
  );
}
