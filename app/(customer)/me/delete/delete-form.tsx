"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, CheckField, Field, FormError } from "@/app/_components";
import { PASSWORD_MAX } from "@/lib/auth/password-rules";
import { deleteAccountAction } from "./actions";

/** The password, and the points warning ticked by the person when there are points to give up. */
export function DeleteForm({ points }: { points: number }) {
  const t = useTranslations("privacy.delete");
  const [state, action, pending] = useActionState(deleteAccountAction, null);
  const failed = state && !state.ok ? state : null;
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const formError = failed && !errorFor("password") && !errorFor("forfeit") ? failed.error : null;
  return (
    <form action={action} className="space-y-4" noValidate data-testid="delete-form">
      <Field name="password" type="password" label={t("password")} autoComplete="current-password" required maxLength={PASSWORD_MAX} error={errorFor("password")} />
      {points > 0 ? <CheckField name="forfeit" testId="forfeit" label={t("forfeit", { points })} error={errorFor("forfeit")} /> : null}
      {formError ? <FormError>{formError}</FormError> : null}
      <Button type="submit" size="lg" variant="danger" pending={pending} pendingText={t("pending")}>
        {t("submit")}
      </Button>
    </form>
  );
}
