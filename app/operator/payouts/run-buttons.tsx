"use client";

import { useTranslations } from "next-intl";
import { createContext, useActionState, useContext, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { ConfirmSubmit } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { formatFen } from "@/lib/money/format";
import { runAllPayoutsAction, runQueuePayoutAction } from "../actions";

type RunResult = { paid: number; paidFen: number; queueId?: number; queues?: number; failed?: number };
type RunState = ActionState<RunResult>;

type Runner = { state: RunState; dispatch: (formData: FormData) => void; pending: boolean };

const RunnerContext = createContext<Runner | null>(null);

function useRunner(): Runner {
  const runner = useContext(RunnerContext);
  if (!runner) throw new Error("payout buttons must sit inside <PayoutRunner>");
  return runner;
}

/**
 * Holds one result for every run button on the page, so the message stays when a drained queue's
 * row (and its button) disappears after the page revalidates.
 */
export function PayoutRunner({ children }: { children: ReactNode }) {
  const [state, dispatch, pending] = useActionState<RunState, FormData>(
    // Neither action reads the previous state.
    (_prev, formData) => (formData.get("intent") === "all" ? runAllPayoutsAction(null, formData) : runQueuePayoutAction(null, formData)),
    null,
  );
  return <RunnerContext value={{ state, dispatch, pending }}>{children}</RunnerContext>;
}

/** The result of the last run: a status line, or an alert when it failed. */
export function RunStatus() {
  const { state: last, pending } = useRunner();
  const t = useTranslations("operator.payouts.run");
  // While a new run is on its way, the previous result would be stale.
  const state = pending ? null : last;
  const failed = state?.ok ? (state.failed ?? 0) : 0;
  return (
    <div className="space-y-2">
      <div role="status" aria-live="polite" data-testid="run-status">
        {state?.ok ? (
          <p className={`rounded-xl px-3 py-2 text-sm ${state.paid > 0 ? "bg-green-50 text-green-800" : "bg-gray-100 text-ink"}`}>
            {state.paid > 0 ? t("paid", { count: state.paid, amount: formatFen(state.paidFen) }) : t("nothing")}
          </p>
        ) : null}
      </div>
      {state && !state.ok ? (
        <p role="alert" className="rounded-xl bg-red-50 px-3 py-2 text-sm text-danger" data-testid="run-error">
          {state.fieldErrors?.queueId ?? state.error}
        </p>
      ) : null}
      {failed > 0 ? (
        <p role="alert" className="rounded-xl bg-red-50 px-3 py-2 text-sm text-danger">
          {t("failed", { count: failed })}
        </p>
      ) : null}
    </div>
  );
}

/** What a run would pay, as the page saw it: per queue, the entries its pool covers now. */
export type RunPreview = { queueId: number; name: string; poolFen: number; entries: number; amountFen: number };

function Effect({ items }: { items: RunPreview[] }) {
  const t = useTranslations("operator.payouts.confirm");
  const entries = items.reduce((s, q) => s + q.entries, 0);
  const amountFen = items.reduce((s, q) => s + q.amountFen, 0);
  return (
    <div className="space-y-2" data-testid="payout-effect">
      <p>{t("effect", { count: entries, amount: formatFen(amountFen) })}</p>
      <ul className="list-disc space-y-0.5 pl-5">
        {items.map((q) => (
          <li key={q.queueId}>{t("line", { name: q.name, pool: formatFen(q.poolFen), count: q.entries, amount: formatFen(q.amountFen) })}</li>
        ))}
      </ul>
      <p className="text-muted">{t("rule")}</p>
    </div>
  );
}

/** The run button of one form: asks first, with what the run would pay. */
function RunButton({ testId, label, variant, disabled, items, title }: { testId: string; label: string; variant: "primary" | "secondary"; disabled?: boolean; items: RunPreview[]; title: string }) {
  // This form's own submission: only the clicked button spins; the others are just disabled.
  const { pending } = useFormStatus();
  const t = useTranslations("operator.payouts.confirm");
  const run = useTranslations("operator.payouts.run");
  const amountFen = items.reduce((s, q) => s + q.amountFen, 0);
  return (
    <ConfirmSubmit
      size="sm"
      variant={variant}
      pending={pending}
      pendingText={run("running")}
      disabled={disabled}
      data-testid={testId}
      className="whitespace-nowrap"
      title={title}
      effect={<Effect items={items} />}
      confirmLabel={t("go", { amount: formatFen(amountFen) })}
    >
      {label}
    </ConfirmSubmit>
  );
}

/** Pays out one queue. */
export function RunQueueButton({ preview }: { preview: RunPreview }) {
  const { dispatch, pending } = useRunner();
  const t = useTranslations("operator.payouts.run");
  const c = useTranslations("operator.payouts.confirm");
  return (
    <form action={dispatch}>
      <input type="hidden" name="intent" value="queue" />
      <input type="hidden" name="queueId" value={preview.queueId} />
      <RunButton testId={`run-queue-${preview.queueId}`} label={t("runQueue")} variant="secondary" disabled={pending} items={[preview]} title={c("queueTitle", { name: preview.name })} />
    </form>
  );
}

/** Pays out every ready queue. */
export function RunAllButton({ disabled, previews }: { disabled?: boolean; previews: RunPreview[] }) {
  const { dispatch, pending } = useRunner();
  const t = useTranslations("operator.payouts.run");
  const c = useTranslations("operator.payouts.confirm");
  return (
    <form action={dispatch}>
      <input type="hidden" name="intent" value="all" />
      <RunButton testId="run-all" label={t("runAll")} variant="primary" disabled={disabled || pending} items={previews} title={c("allTitle", { count: previews.length })} />
    </form>
  );
}
