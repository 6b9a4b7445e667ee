"use client";

import { useActionState, useState } from "react";
import { Button, Input } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { rerunDayAction } from "./actions";
import type { RerunLabels } from "./rerun-button";

type Rerun = ActionState<{ provider: string; day: string }>;

/** Reconcile any past day of a provider (one never run, say), confirmed like a re-run. */
export function RunDayForm({
  providers,
  defaultDay,
  labels,
}: {
  providers: { id: string; name: string }[];
  defaultDay: string;
  labels: RerunLabels & { provider: string; day: string; submit: string };
}) {
  const [state, dispatch, pending] = useActionState<Rerun, FormData>(rerunDayAction, null);
  const [confirming, setConfirming] = useState(false);
  const [provider, setProvider] = useState(providers[0]?.id ?? "");
  const [day, setDay] = useState(defaultDay);

  return (
    <form
      action={(fd) => {
        // Enter in the date field submits the form: that asks for the confirmation too.
        if (!confirming) {
          setConfirming(true);
          return;
        }
        setConfirming(false);
        dispatch(fd);
      }}
      className="flex flex-wrap items-end gap-3"
      data-testid="run-day-form"
    >
      {/* The values travel in hidden fields: the visible ones are locked while confirming, and a
          disabled field would not be sent. */}
      <input type="hidden" name="provider" value={provider} />
      <input type="hidden" name="day" value={day} />
      <label className="flex flex-col gap-1 text-sm">
        <span className="text-muted">{labels.provider}</span>
        <select value={provider} onChange={(e) => setProvider(e.target.value)} className="h-10 rounded-xl bg-surface px-3 ring-1 ring-line" disabled={confirming}>
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm">
        <span className="text-muted">{labels.day}</span>
        <Input type="date" value={day} onChange={(e) => setDay(e.target.value)} required className="h-10" readOnly={confirming} />
      </label>
      {confirming ? (
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-sm text-muted">{labels.question.replace("{day}", day).replace("{provider}", providers.find((p) => p.id === provider)?.name ?? provider)}</span>
          <Button type="submit" size="sm" data-testid="run-day-confirm" autoFocus>
            {labels.confirm}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
            {labels.cancel}
          </Button>
        </div>
      ) : (
        <Button size="md" variant="secondary" pending={pending} pendingText={labels.working} onClick={() => setConfirming(true)} disabled={!day || !provider} data-testid="run-day">
          {labels.submit}
        </Button>
      )}
      <span role="status" aria-live="polite" className="w-full text-sm">
        {state?.ok && !pending ? <span className="text-green-800">{labels.queued}</span> : null}
      </span>
      {state && !state.ok && !pending ? (
        <p role="alert" className="w-full text-sm text-danger" data-testid="run-day-error">
          {state.fieldErrors?.day ?? state.fieldErrors?.provider ?? state.error}
        </p>
      ) : null}
    </form>
  );
}
