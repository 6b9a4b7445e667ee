"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { formatFen } from "@/lib/money/format";
import { runDrawAction, type DrawOutcome } from "./actions";

type State = ActionState<DrawOutcome>;

/** Runs a draw on one queue, with a confirm step, and shows the result. */
export function DrawPanel({ queueId, queueName, candidateCount, poolFen }: { queueId: number; queueName: string; candidateCount: number; poolFen: number }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const t = useTranslations("operator.draw.panel");
  const [state, formAction, pending] = useActionState<State, FormData>(async (prev, formData) => {
    const next = await runDrawAction(prev, formData);
    setConfirming(false);
    if (next?.ok) setReason("");
    return next;
  }, null);

  return (
    <div className="space-y-4">
      {/* Only the confirm step is a form, so pressing Enter in the note cannot skip the confirmation. */}
      {confirming ? (
        <form action={formAction} className="space-y-3" data-testid="draw-form">
          <div className="space-y-3 rounded-xl bg-amber-50 p-3 ring-1 ring-amber-200" role="alertdialog" aria-labelledby="draw-confirm-title" data-testid="draw-confirm">
            <input type="hidden" name="queueId" value={queueId} />
            <input type="hidden" name="reason" value={reason} />
            <p id="draw-confirm-title" className="font-semibold text-ink">{t("confirmTitle")}</p>
            <p className="text-sm text-ink">{t("confirmBody", { count: candidateCount, name: queueName, pool: formatFen(poolFen) })}</p>
            {reason ? <p className="text-sm text-muted">{t("note", { reason })}</p> : null}
            <p className="text-xs text-muted">{t("confirmNote")}</p>
            <div className="flex gap-2">
              <Button type="submit" pending={pending} pendingText={t("running")} data-testid="draw-confirm-button">
                {t("confirm")}
              </Button>
              <Button type="button" variant="secondary" disabled={pending} onClick={() => setConfirming(false)}>
                {t("cancel")}
              </Button>
            </div>
          </div>
        </form>
      ) : (
        <div className="space-y-3">
          <Field
            name="reason"
            label={t("reason")}
            hint={t("reasonHint")}
            maxLength={200}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={state && !state.ok ? state.fieldErrors?.reason : null}
          />
          {candidateCount === 0 ? <p className="text-sm text-muted">{t("none")}</p> : null}
          <Button type="button" disabled={candidateCount === 0} onClick={() => setConfirming(true)} data-testid="draw-start">
            {t("start")}
          </Button>
        </div>
      )}

      {!pending && state && !state.ok && !state.fieldErrors?.reason ? <FormError>{state.error}</FormError> : null}

      {!pending && state?.ok ? (
        <div role="status" className="rounded-xl bg-green-50 p-3 ring-1 ring-green-200" data-testid="draw-result">
          <p className="font-semibold text-green-900">
            {t("result", { position: state.position, amount: formatFen(state.amountFen) })}
          </p>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-muted">{t("fields.store")}</dt>
            <dd>{state.storeName}</dd>
            <dt className="text-muted">{t("fields.customer")}</dt>
            <dd data-testid="draw-result-customer">{state.customerName}</dd>
            <dt className="text-muted">{t("fields.orderNo")}</dt>
            <dd className="font-mono">{state.orderNo}</dd>
            <dt className="text-muted">{t("fields.amount")}</dt>
            <dd className="tabular-nums" data-testid="draw-result-amount">{formatFen(state.amountFen)}</dd>
            <dt className="text-muted">{t("fields.candidates")}</dt>
            <dd className="tabular-nums" data-testid="draw-result-candidates">{state.candidates}</dd>
            <dt className="text-muted">{t("fields.random")}</dt>
            <dd className="font-mono" data-testid="draw-result-random">{state.randomHex}</dd>
            <dt className="text-muted">{t("fields.index")}</dt>
            <dd className="tabular-nums">{state.chosenIndex}</dd>
          </dl>
          <p className="mt-2 text-xs text-muted">{t("verify", { hex: state.randomHex, count: state.candidates, index: state.chosenIndex })}</p>
        </div>
      ) : null}
    </div>
  );
}
