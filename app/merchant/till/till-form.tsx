"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { Button, Field, FormError, FormSuccess } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import { recordTillOrderAction } from "./actions";

/** Records an order the customer paid at the till: their phone or user name and the amount. */
export function TillForm({ firstKey }: { firstKey: string }) {
  const [state, action, pending] = useActionState(recordTillOrderAction, null);
  // One key per order: it changes only when an order went through, so a double submit or a retry
  // after a failure is the same order (the server draws the next key with its answer).
  const [requestKey, setRequestKey] = useState(firstKey);
  const [seen, setSeen] = useState(state);
  const t = useTranslations("merchant.till");
  if (state !== seen) {
    setSeen(state);
    if (state?.ok) setRequestKey(state.nextKey);
  }
  const failed = state && !state.ok ? state : null;
  return (
    <div className="space-y-4">
      <form action={action} className="grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-start" noValidate>
        <input type="hidden" name="requestKey" value={requestKey} />
        <Field
          name="customer"
          label={t("customer")}
          hint={t("customerHint")}
          autoComplete="off"
          required
          maxLength={64}
          defaultValue={failed?.values?.customer ?? ""}
          error={failed?.fieldErrors?.customer ?? null}
        />
        <Field
          name="amount"
          label={t("amount")}
          inputMode="decimal"
          autoComplete="off"
          required
          maxLength={32}
          defaultValue={failed?.values?.amount ?? ""}
          error={failed?.fieldErrors?.amount ?? null}
        />
        <Button type="submit" pending={pending} pendingText={t("pending")} className="sm:mt-7">
          {t("submit")}
        </Button>
      </form>
      {failed && !failed.fieldErrors ? <FormError>{failed.error}</FormError> : null}
      {state?.ok ? (
        <FormSuccess>
          <span data-testid="till-done">
            {t("done", { orderNo: state.orderNo, amount: formatFen(state.amountFen), points: state.pointsEarned, positions: state.positions.join(", ") || "—" })}
          </span>
        </FormSuccess>
      ) : null}
    </div>
  );
}
