"use client";

import { useActionState } from "react";
import { Button, FormError } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";

/** One button that posts one server action with hidden fields (mark read, mark all read). */
export function ActionButton({
  action,
  fields = {},
  label,
  variant = "secondary",
  testId,
}: {
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
  fields?: Record<string, string>;
  label: string;
  variant?: "secondary" | "ghost";
  testId?: string;
}) {
  const [state, run, pending] = useActionState(action, null);
  return (
    <form action={run} className="inline-flex flex-col items-end gap-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="submit" variant={variant} size="md" pending={pending} data-testid={testId} className="min-h-11 px-3 text-sm">
        {label}
      </Button>
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
    </form>
  );
}
