"use client";

import { useTranslations } from "next-intl";
import { Field, NewPasswordField } from "@/app/_components";
import { PASSWORD_MIN } from "@/lib/auth/password-rules";
import { sendResetCodeAction } from "../actions";
import { AuthForm } from "../auth-form";
import { SmsCodeField } from "../sms-code-field";
import { resetPasswordAction } from "./actions";

/** Phone number, the code sent to it, the new password twice. */
export function ForgotForm() {
  const t = useTranslations("auth.forgot");
  return (
    <AuthForm
      action={resetPasswordAction}
      next={null}
      submit={t("submit")}
      pendingText={t("pending")}
      fields={({ fieldError, values }) => (
        <>
          <Field
            name="phone"
            type="tel"
            label={t("phone")}
            autoComplete="tel-national"
            inputMode="numeric"
            maxLength={11}
            required
            defaultValue={values?.phone ?? ""}
            error={fieldError("phone")}
          />
          <SmsCodeField phoneField="phone" send={sendResetCodeAction} label={t("code")} error={fieldError("code")} />
          <NewPasswordField name="password" label={t("password")} hint={t("passwordHint", { min: PASSWORD_MIN })} error={fieldError("password")} />
          <Field name="confirm" type="password" label={t("confirm")} autoComplete="new-password" required error={fieldError("confirm")} />
          <p className="text-xs text-muted">{t("note")}</p>
        </>
      )}
    />
  );
}
