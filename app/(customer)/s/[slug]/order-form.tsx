"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
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
  const t = useTranslations("customer.store.form");
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
        label={t("amount")}
        inputMode="decimal"
        autoComplete="off"
        placeholder={t("amountPlaceholder")}
        defaultValue={state && !state.ok ? (state.values?.amount ?? "") : ""}
        error={amountError}
        required
      />
      {availablePoints > 0 ? (
        <Field
          name="points"
          label={t("points")}
          inputMode="numeric"
          autoComplete="off"
          placeholder="0"
          value={points}
          onChange={(e) => setPoints(e.target.value)}
          hint={
            pointsNumber > 0
              ? t("pointsHintUsed", { available: availablePoints, amount: formatFen(pointsNumber) })
              : t("pointsHint", { available: availablePoints })
          }
          error={pointsError}
        />
      ) : null}
      {formError ? <FormError>{formError}</FormError> : null}
      {next ? (
        // Shown while the pay page loads, and the way on when scripts are off.
        <p className="text-sm">
          <Link className="font-medium text-brand-700 underline" href={next}>
            {t("created")}
          </Link>
        </p>
      ) : null}
      <Button type="submit" size="lg" pending={pending} pendingText={t("pending")}>
        {t("submit")}
      </Button>
    </form>
  );
}
