"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { ConfirmSubmit, Field, FormError, FormSuccess } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import { adjustPointsAction } from "./actions";

/** Adjusts one customer's available points. */
export function AdjustForm({ userId, available, requestKey }: { userId: number; available: number; requestKey: string }) {
  const [state, action, pending] = useActionState(adjustPointsAction, null);
  const t = useTranslations("operator.points.form");
  const failed = state && !state.ok ? state : null;
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  // Keep what was typed after a refusal; clear it after a success.
  const [lastState, setLastState] = useState(state);
  if (state !== lastState) {
    setLastState(state);
    setPoints(failed?.values?.points ?? "");
    setReason(failed?.values?.reason ?? "");
  }
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const pointsError = errorFor("points");
  const reasonError = errorFor("reason");
  const formError = failed && !pointsError && !reasonError ? failed.error : null;
  const m = /^([+-]?)(\d{1,7})$/.exec(points.trim());
  const n = m ? Number(m[2]) * (m[1] === "-" ? -1 : 1) : 0;
  const take = -n;
  const preview =
    n > 0
      ? t("add", { points: n, amount: formatFen(n) })
      : n < 0
        ? take > available
          ? t("takeTooMany", { points: take, available })
          : t("take", { points: take, amount: formatFen(take) })
        : null;

  return (
    <form action={action} className="space-y-3" noValidate data-testid="adjust-form">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="requestKey" value={requestKey} />
      <Field
        name="points"
        label={t("points")}
        inputMode="text"
        autoComplete="off"
        placeholder={t("pointsPlaceholder")}
        value={points}
        onChange={(e) => setPoints(e.target.value)}
        hint={preview ? <span data-testid="adjust-preview">{preview}</span> : t("pointsHint", { available })}
        error={pointsError}
        required
      />
      <Field
        name="reason"
        label={t("reason")}
        autoComplete="off"
        maxLength={200}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        hint={t("reasonHint")}
        error={reasonError}
        required
      />
      {formError ? <FormError>{formError}</FormError> : null}
      {state?.ok ? (
        <FormSuccess data-testid="adjust-done">
          {state.duplicate ? t("duplicate") : t(state.points > 0 ? "added" : "taken", { points: Math.abs(state.points), after: state.availableAfter })}
        </FormSuccess>
      ) : null}
      <ConfirmSubmit
        pending={pending}
        pendingText={t("pending")}
        // Nothing valid to confirm yet: the form itself says what to fix.
        skip={n === 0 || take > available || reason.trim().length < 3}
        data-testid="adjust-submit"
        title={t("confirmTitle")}
        effect={
          <ul className="list-disc space-y-0.5 pl-5" data-testid="adjust-effect">
            <li>{preview}</li>
            <li>{t("confirmAfter", { after: available + n, amount: formatFen(available + n) })}</li>
            <li>{t("confirmReason", { reason: reason.trim() })}</li>
          </ul>
        }
        confirmLabel={n > 0 ? t("confirmAdd", { points: n }) : t("confirmTake", { points: take })}
      >
        {t("submit")}
      </ConfirmSubmit>
    </form>
  );
}
