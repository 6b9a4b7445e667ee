"use client";

import { useTranslations } from "next-intl";
import { createContext, useActionState, useContext, useState, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { Button, Input } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { formatFen } from "@/lib/money/format";
import { approveWithdrawalAction, rejectWithdrawalAction } from "./actions";

type Decided = { withdrawalId: number; status: string; amountFen: number; account?: string };
type DecisionState = ActionState<Decided>;
type Decider = { state: DecisionState; dispatch: (formData: FormData) => void; pending: boolean };

const DeciderContext = createContext<Decider | null>(null);

function useDecider(): Decider {
  const d = useContext(DeciderContext);
  if (!d) throw new Error("decision buttons must sit inside <DecisionProvider>");
  return d;
}

/** One result for every row, so the message stays after the decided row leaves the list. */
export function DecisionProvider({ children }: { children: ReactNode }) {
  const [state, dispatch, pending] = useActionState<DecisionState, FormData>(
    (_prev, formData) => (formData.get("intent") === "reject" ? rejectWithdrawalAction(null, formData) : approveWithdrawalAction(null, formData)),
    null,
  );
  return <DeciderContext value={{ state, dispatch, pending }}>{children}</DeciderContext>;
}

/** The last decision's outcome: a status line, or an alert. */
export function DecisionStatus() {
  const { state: last, pending } = useDecider();
  const t = useTranslations("operator.withdrawals.decide");
  const state = pending ? null : last;
  return (
    <div className="space-y-2">
      <div role="status" aria-live="polite" data-testid="decision-status">
        {state?.ok ? (
          <p className="rounded-xl bg-green-50 px-3 py-2 text-sm text-green-800">
            {state.status === "rejected"
              ? t("rejected", { id: state.withdrawalId, amount: formatFen(state.amountFen) })
              : t("approved", { id: state.withdrawalId, amount: formatFen(state.amountFen), account: state.account ?? "" })}
          </p>
        ) : null}
      </div>
      {state && !state.ok && !state.fieldErrors?.reason ? (
        <p role="alert" className="rounded-xl bg-red-50 px-3 py-2 text-sm text-danger" data-testid="decision-error">
          {state.fieldErrors?.withdrawalId ?? state.error}
        </p>
      ) : null}
    </div>
  );
}

function Submit({ label, variant, testId, autoFocus }: { label: string; variant: "primary" | "danger"; testId: string; autoFocus?: boolean }) {
  const { pending } = useFormStatus();
  const decider = useDecider();
  const t = useTranslations("operator.withdrawals.decide");
  return (
    <Button type="submit" size="sm" variant={variant} pending={pending} pendingText={t("working")} disabled={decider.pending} data-testid={testId} className="whitespace-nowrap" autoFocus={autoFocus}>
      {label}
    </Button>
  );
}

/** Approve (with a confirming second click) or reject (with a required reason) one request. */
export function DecisionButtons({ withdrawalId, amountFen, account }: { withdrawalId: number; amountFen: number; account: string | null }) {
  const { state, dispatch, pending } = useDecider();
  const [mode, setMode] = useState<"idle" | "approve" | "reject">("idle");
  const [reason, setReason] = useState("");
  const t = useTranslations("operator.withdrawals.decide");
  const mine = state && !state.ok && state.values?.withdrawalId === String(withdrawalId);
  const reasonError = mine ? (state.fieldErrors?.reason ?? null) : null;

  if (mode === "approve") {
    return (
      <form action={dispatch} className="flex flex-wrap items-center justify-end gap-2">
        <input type="hidden" name="intent" value="approve" />
        <input type="hidden" name="withdrawalId" value={withdrawalId} />
        {/* The button that was pressed is gone: focus moves to its confirmation, not to the page top. */}
        {/* The operator sees where the money goes (masked) on the button that sends it. */}
        <Submit label={t("confirmApprove", { amount: formatFen(amountFen), account: account ?? "" })} variant="primary" testId={`confirm-approve-${withdrawalId}`} autoFocus />
        <Button size="sm" variant="ghost" onClick={() => setMode("idle")}>
          {t("cancel")}
        </Button>
      </form>
    );
  }
  if (mode === "reject") {
    const inputId = `reject-reason-${withdrawalId}`;
    return (
      <form action={dispatch} className="flex min-w-[16rem] flex-col items-stretch gap-2">
        <input type="hidden" name="intent" value="reject" />
        <input type="hidden" name="withdrawalId" value={withdrawalId} />
        <label htmlFor={inputId} className="sr-only">
          {t("reasonLabel", { id: withdrawalId })}
        </label>
        <Input
          id={inputId}
          name="reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t("reasonPlaceholder")}
          maxLength={200}
          className="h-9 text-sm"
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? `${inputId}-error` : undefined}
          autoFocus
        />
        {reasonError ? (
          <p id={`${inputId}-error`} role="alert" className="text-left text-xs text-danger whitespace-normal">
            {reasonError}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Submit label={t("confirmReject")} variant="danger" testId={`confirm-reject-${withdrawalId}`} />
          <Button size="sm" variant="ghost" onClick={() => setMode("idle")}>
            {t("cancel")}
          </Button>
        </div>
      </form>
    );
  }
  return (
    <div className="flex justify-end gap-2">
      <Button size="sm" variant="secondary" disabled={pending} onClick={() => setMode("approve")} data-testid={`approve-${withdrawalId}`}>
        {t("approve")}
      </Button>
      <Button size="sm" variant="ghost" disabled={pending} onClick={() => setMode("reject")} data-testid={`reject-${withdrawalId}`}>
        {t("reject")}
      </Button>
    </div>
  );
}
