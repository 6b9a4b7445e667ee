"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, FormError } from "@/app/_components";
import { reinstateStoreAction, suspendStoreAction } from "./actions";

/**
 * Suspend an open store (a reason is required: the store page shows it), or reinstate a suspended
 * one. New orders stop; nothing in the queue or pool moves.
 */
export function SuspendForm({ merchantId, slug, suspended }: { merchantId: number; slug: string; suspended: boolean }) {
  const [state, action, pending] = useActionState(suspended ? reinstateStoreAction : suspendStoreAction, null);
  const t = useTranslations("operator.merchants.suspension");
  const failed = state && !state.ok ? state : null;
  const reasonError = failed?.fieldErrors?.reason ?? (failed?.field === "reason" ? failed.error : null);
  const id = `suspend-reason-${merchantId}`;
  return (
    <form action={action} className="space-y-2" noValidate data-testid={`suspension-${slug}`}>
      <input type="hidden" name="merchantId" value={merchantId} />
      <label htmlFor={id} className="block text-xs font-medium text-ink">
        {suspended ? t("reinstateReason") : t("reason")}
      </label>
      <textarea
        id={id}
        name="reason"
        rows={2}
        maxLength={500}
        aria-invalid={reasonError ? true : undefined}
        aria-describedby={reasonError ? `${id}-error` : undefined}
        className="block w-full min-w-40 rounded-xl border border-line bg-surface px-3 py-2 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-200 aria-[invalid=true]:border-danger"
      />
      {reasonError ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-danger">
          {reasonError}
        </p>
      ) : null}
      {failed && !reasonError ? <FormError>{failed.error}</FormError> : null}
      <Button type="submit" size="sm" variant={suspended ? "secondary" : "danger"} pending={pending} className="whitespace-nowrap">
        {suspended ? t("reinstate") : t("suspend")}
      </Button>
    </form>
  );
}
