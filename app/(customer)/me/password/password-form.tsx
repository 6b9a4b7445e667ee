"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, Field, FormError, NewPasswordField } from "@/app/_components";
import { PASSWORD_MAX, PASSWORD_MIN } from "@/lib/auth/password-rules";
import { changePasswordAction } from "./actions";

/** Current password, the new one twice. Passwords are never kept across a refusal. */
export function PasswordForm() {
  const t = useTranslations("customer.password.form");
  const [state, action, pending] = useActionState(changePasswordAction, null);
  const failed = state && !state.ok ? state : null;
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const fields = ["password", "newPassword", "confirm"] as const;
  const formError = failed && fields.every((f) => !errorFor(f)) ? failed.error : null;

  return (
    <form action={action} className="space-y-4" noValidate data-testid="password-form">
      <Field name="password" type="password" label={t("current")} autoComplete="current-password" required maxLength={PASSWORD_MAX} error={errorFor("password")} />
      <NewPasswordField name="newPassword" label={t("new")} hint={t("newHint", { min: PASSWORD_MIN })} error={errorFor("newPassword")} />
      <Field name="confirm" type="password" label={t("confirm")} autoComplete="new-password" required error={errorFor("confirm")} />
      {formError ? <FormError>{formError}</FormError> : null}
      <p className="text-xs text-muted">{t("signOutNote")}</p>
      <Button type="submit" size="lg" pending={pending} pendingText={t("pending")}>
        {t("submit")}
      </Button>
    </form>
  );
}
