"use client";

import { useActionState, useState } from "react";
import type { ActionState } from "@/lib/auth/action";
import { Button } from "./button";

type Props<T extends object> = {
  /** The server action the confirmed form posts to. */
  action: (state: ActionState<T>, formData: FormData) => Promise<ActionState<T>>;
  /** The one hidden field that names what the action ends (its id). */
  field: { name: string; value: number };
  /** Words, already translated by the caller: the first button, the question, yes, cancel. */
  labels: { start: string; confirm: string; yes: string; cancel: string; pending?: string };
};

/**
 * A small destructive action (revoke a key, a cashier, an invitation) confirmed in place, without a
 * browser dialog: the first click shows the question beside a danger button; the action's refusal,
 * if any, replaces the question.
 */
export function ConfirmInPlace<T extends object>({ action, field, labels }: Props<T>) {
  const [confirming, setConfirming] = useState(false);
  const [state, formAction, pending] = useActionState<ActionState<T>, FormData>(action, null);
  if (!confirming) {
    return (
      <Button variant="ghost" size="sm" onClick={() => setConfirming(true)}>
        {labels.start}
      </Button>
    );
  }
  return (
    <form action={formAction} className="flex flex-wrap items-center justify-end gap-2">
      <input type="hidden" name={field.name} value={field.value} />
      <span className="text-sm text-danger" role="alert">
        {state && !state.ok ? state.error : labels.confirm}
      </span>
      <Button type="submit" variant="danger" size="sm" pending={pending} pendingText={labels.pending}>
        {labels.yes}
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setConfirming(false)} disabled={pending}>
        {labels.cancel}
      </Button>
    </form>
  );
}
