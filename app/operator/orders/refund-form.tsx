"use client";

import { useTranslations } from "next-intl";
import { useActionState, useId } from "react";
import { Button, Card, FormSuccess } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { formatFen } from "@/lib/money/format";
import { operatorRefundAction } from "./actions";

type Done = { orderNo: string; refundedFen: number; shortfallFen: number; cancelledEntries: number; pointsTaken: number; pointsReturned: number };

/**
 * The operator's refund form for one order. It stays mounted after a refund (the page passes
 * refundable=false then), so the result is still shown above the refreshed order. `refusal` is why
 * the page's eligibility check (checkRefund) found the order cannot be refunded: shown instead of
 * the form.
 */
export function OperatorRefundForm({ orderId, refundable, refusal }: { orderId: number; refundable: boolean; refusal: string | null }) {
  const [state, action, pending] = useActionState<ActionState<Done>, FormData>(operatorRefundAction, null);
  const reasonId = useId();
  const errorId = useId();
  const t = useTranslations("operator.orders.refund");

  if (state?.ok) {
    return (
      <Card title={t("title")}>
        <FormSuccess data-testid="refund-result">
          {t("ok", {
            orderNo: state.orderNo,
            amount: formatFen(state.refundedFen),
            entries: state.cancelledEntries,
            points: state.pointsTaken,
            returned: state.pointsReturned,
          })}
        </FormSuccess>
        {state.shortfallFen > 0 ? (
          <p className="mt-2 text-sm" data-testid="refund-shortfall">
            {t("shortfall", { amount: formatFen(state.shortfallFen) })}
          </p>
        ) : null}
      </Card>
    );
  }
  if (!refundable) return null;
  if (refusal) {
    return (
      <Card title={t("title")}>
        <div role="alert" className="space-y-1 rounded-xl bg-red-50 px-3 py-2 text-sm text-danger" data-testid="refund-refused">
          <p className="font-medium">{t("cannot")}</p>
          <p>{refusal}</p>
        </div>
        <p className="mt-2 text-sm text-muted">{t("rule")}</p>
      </Card>
    );
  }
  const reasonError = state && !state.ok ? state.fieldErrors?.reason : undefined;
  return (
    <Card title={t("title")}>
      <form action={action} className="space-y-3" aria-label={t("title")}>
        <input type="hidden" name="orderId" value={orderId} />
        <p className="text-sm text-muted">{t("rule")}</p>
        <div className="space-y-1.5">
          <label htmlFor={reasonId} className="block text-sm font-medium">
            {t("reason")}
          </label>
          <textarea
            id={reasonId}
            name="reason"
            required
            minLength={2}
            maxLength={200}
            rows={2}
            defaultValue={state?.values?.reason ?? ""}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? errorId : undefined}
            className="block w-full rounded-xl border border-line bg-surface px-3 py-2 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-200 aria-[invalid=true]:border-danger"
            data-testid="refund-reason"
          />
          {reasonError ? (
            <p id={errorId} role="alert" className="text-sm text-danger">
              {reasonError}
            </p>
          ) : null}
        </div>
        {state && !state.ok && !reasonError ? (
          <p role="alert" className="rounded-xl bg-red-50 px-3 py-2 text-sm text-danger" data-testid="refund-error">
            {state.error}
          </p>
        ) : null}
        <Button type="submit" variant="danger" pending={pending} pendingText={t("refunding")} data-testid="confirm-refund">
          {t("confirm")}
        </Button>
      </form>
    </Card>
  );
}
