"use client";

import { useActionState, useState } from "react";
import { Button } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { rerunDayAction } from "./actions";

type Rerun = ActionState<{ provider: string; day: string }>;

export type RerunLabels = { label: string; question: string; confirm: string; cancel: string; working: string; queued: string };

/**
 * Re-run one provider's day: the first click asks for confirmation (the day's result will be
 * replaced), the second posts the action; the outcome shows beside the button. The page passes
 * the words, translated on the server.
 */
export function RerunButton({ provider, day, labels, testId }: { provider: string; day: string; labels: RerunLabels; testId: string }) {
  const [state, dispatch, pending] = useActionState<Rerun, FormData>(rerunDayAction, null);
  const [confirming, setConfirming] = useState(false);

  return (
    <div className="flex flex-col items-end gap-1">
      {confirming && !pending ? (
        <form
          action={(fd) => {
            setConfirming(false);
            dispatch(fd);
          }}
          className="flex flex-wrap items-center justify-end gap-2"
        >
          <input type="hidden" name="provider" value={provider} />
          <input type="hidden" name="day" value={day} />
          <span className="text-xs text-muted">{labels.question}</span>
          {/* The button that was pressed is gone: focus moves to its confirmation. */}
          <Button type="submit" size="sm" variant="primary" data-testid={`${testId}-confirm`} autoFocus>
            {labels.confirm}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
            {labels.cancel}
          </Button>
        </form>
      ) : (
        <Button size="sm" variant="secondary" pending={pending} pendingText={labels.working} onClick={() => setConfirming(true)} data-testid={testId}>
          {labels.label}
        </Button>
      )}
      <span role="status" aria-live="polite" className="text-xs">
        {state?.ok && !pending ? <span className="text-green-800">{labels.queued}</span> : null}
      </span>
      {state && !state.ok && !pending ? (
        <span role="alert" className="text-xs text-danger" data-testid={`${testId}-error`}>
          {state.fieldErrors?.day ?? state.fieldErrors?.provider ?? state.error}
        </span>
      ) : null}
    </div>
  );
}
