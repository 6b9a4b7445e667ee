"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, ConfirmSubmit, FormError } from "@/app/_components";
import { reviewApplicationAction } from "./actions";
import { ReasonField } from "./reason-field";

/** Approve or reject one application. A reason is required to reject; the applicant sees it. */
export function ReviewForm({ merchantId, slug, name, owner, rebate }: { merchantId: number; slug: string; name: string; owner: string; rebate: string }) {
  const [state, action, pending] = useActionState(reviewApplicationAction, null);
  const t = useTranslations("operator.merchants.review");
  const failed = state && !state.ok ? state : null;
  const reasonError = failed?.fieldErrors?.reason ?? null;
  const id = `reason-${merchantId}`;
  return (
    <form action={action} className="space-y-2" noValidate data-testid={`review-${slug}`}>
      <input type="hidden" name="merchantId" value={merchantId} />
      <ReasonField id={id} label={t("reason")} error={reasonError} defaultValue={failed?.values?.reason ?? ""} />
      {failed && !reasonError ? <FormError>{failed.error}</FormError> : null}
      <div className="flex gap-2">
        <ConfirmSubmit
          name="decision"
          value="approve"
          size="sm"
          pending={pending}
          className="whitespace-nowrap"
          data-testid={`approve-${slug}`}
          title={t("confirmTitle", { name })}
          effect={
            <ul className="list-disc space-y-0.5 pl-5" data-testid="approve-effect">
              <li>{t("confirmLive", { name, slug })}</li>
              <li>{t("confirmOwner", { owner })}</li>
              <li>{t("confirmRebate", { rebate })}</li>
            </ul>
          }
          confirmLabel={t("confirmGo")}
        >
          {t("approve")}
        </ConfirmSubmit>
        <Button type="submit" name="decision" value="reject" size="sm" variant="danger" disabled={pending} className="whitespace-nowrap">
          {t("reject")}
        </Button>
      </div>
    </form>
  );
}
