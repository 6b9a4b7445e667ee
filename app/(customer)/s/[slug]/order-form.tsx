"use client";

import { useActionState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { createOrderAction } from "../../actions";

export function OrderForm({ slug, idempotencyKey }: { slug: string; idempotencyKey: string }) {
  const [state, action, pending] = useActionState(createOrderAction, null);
  const fieldError = state && !state.ok ? (state.fieldErrors?.amount ?? (state.field === "amount" ? state.error : null)) : null;
  const formError = state && !state.ok && !fieldError ? state.error : null;
  return (
    <form action={action} className="space-y-3" noValidate>
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <Field
        name="amount"
        label="订单金额（元）"
        inputMode="decimal"
        autoComplete="off"
        placeholder="例如 58.00"
        defaultValue={state && !state.ok ? (state.values?.amount ?? "") : ""}
        error={fieldError}
        required
      />
      {formError ? <FormError>{formError}</FormError> : null}
      <Button type="submit" size="lg" pending={pending} pendingText="正在下单…">
        下单并支付
      </Button>
    </form>
  );
}
