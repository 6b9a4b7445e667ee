"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, FormError } from "@/app/_components";
import { reinstateStoreAction, suspendStoreAction } from "./actions";
import { ReasonField } from "./reason-field";

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
      <ReasonField id={id} label={suspended ? t("reinstateReason") : t("reason")} error={reasonError} />
      {failed && !reasonError ? <FormError>{failed.error}</FormError> : null}
      <Button type="submit" size="sm" variant={suspended ? "secondary" : "danger"} pending={pending} className="whitespace-nowrap">
        {suspended ? t("reinstate") : t("suspend")}
      </Button>
    </form>
  );
}
