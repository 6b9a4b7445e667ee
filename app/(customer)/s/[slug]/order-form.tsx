"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import { createOrderAction } from "../../actions";

export function OrderForm({
  slug,
  idempotencyKey,
  availablePoints,
}: {
  slug: string;
  idempotencyKey: string;
  availablePoints: number;
}) {
  const [state, action, pending] = useActionState(createOrderAction, null);
  const router = useRouter();
  const next = state?.ok ? state.next : null;
  useEffect(() => {
    if (next) router.push(next);
  }, [next, router]);
  const [points, setPoints] = useState(state && !state.ok ? (state.values?.points ?? "") : "");
  const errorFor = (name: string) =>
    state && !state.ok ? (state.fieldErrors?.[name] ?? (state.field === name ? state.error : null)) : null;
  const amountError = errorFor("amount");
  const pointsError = errorFor("points");
  const formError = state && !state.ok && !amountError && !pointsError ? state.error : null;
  const pointsNumber = /^\d{1,9}$/.test(points.trim()) ? Number(points.trim()) : 0;
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
        error={amountError}
        required
      />
      {availablePoints > 0 ? (
        <Field
          name="points"
          label="使用积分抵扣（可选）"
          inputMode="numeric"
          autoComplete="off"
          placeholder="0"
          value={points}
          onChange={(e) => setPoints(e.target.value)}
          hint={`可用 ${availablePoints} 分（1 分抵 ¥0.01）${pointsNumber > 0 ? `，本单抵扣 ${formatFen(pointsNumber)}` : ""}。抵扣部分不参与排队。`}
          error={pointsError}
        />
      ) : null}
      {formError ? <FormError>{formError}</FormError> : null}
      {next ? (
        // Shown while the pay page loads, and the way on when scripts are off.
        <p className="text-sm">
          <Link className="font-medium text-brand-700 underline" href={next}>
            订单已创建，去支付 ›
          </Link>
        </p>
      ) : null}
      <Button type="submit" size="lg" pending={pending} pendingText="正在下单…">
        下单并支付
      </Button>
    </form>
  );
}
