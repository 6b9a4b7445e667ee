"use client";

import { useActionState } from "react";
import { Button } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";


/**
 * One retry button with its own hidden fields: posts `action`, then shows the outcome beside the
 * button (the page refreshes itself through the action's revalidatePath).
 */
export function RetryButton<T extends object>({
  action,
  fields,
  label,
  pendingText,
  done,
  testId,
}: {
  action: (state: ActionState<T>, formData: FormData) => Promise<ActionState<T>>;
  fields: Record<string, string>;
  label: string;
  pendingText: string;
  done: string;
  testId: string;
}) {
  const [state, dispatch, pending] = useActionState<ActionState<T>, FormData>(action, null);
  return (
    <form action={dispatch} className="flex flex-wrap items-center gap-2">
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Button type="submit" size="sm" variant="secondary" pending={pending} pendingText={pendingText} data-testid={testId}>
        {label}
      </Button>
      <span role="status" aria-live="polite" className="text-sm">
        {state?.ok ? <span className="text-green-800">{done}</span> : null}
      </span>
      {state && !state.ok ? (
        <span role="alert" className="text-sm text-danger" data-testid={`${testId}-error`}>
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
