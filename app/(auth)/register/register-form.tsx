"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { CheckField, Field, NewPasswordField } from "@/app/_components";
import { PASSWORD_MIN } from "@/lib/auth/password-rules";
import { register, sendRegisterCodeAction } from "../actions";
import { AuthForm } from "../auth-form";
import { SmsCodeField } from "../sms-code-field";

/** Eleven digits starting 1[3-9]: a mainland number, which is registered only with an SMS code. */
const looksLikePhone = (s: string) => /^1[3-9]\d{9}$/.test(s.trim());

export function RegisterForm({ next }: { next: string | null }) {
  const t = useTranslations("auth.register");
  const tc = useTranslations("privacy.consentForm");
  const [identifier, setIdentifier] = useState<string | null>(null);
  return (
    <AuthForm
      action={register}
      next={next}
      submit={t("submit")}
      pendingText={t("pending")}
      fields={({ fieldError, values }) => (
        <>
          <Field
            name="identifier"
            label={t("identifier")}
            hint={t("identifierHint")}
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            required
            maxLength={32}
            defaultValue={values?.identifier ?? ""}
            onChange={(e) => setIdentifier(e.target.value)}
            error={fieldError("identifier")}
          />
          {looksLikePhone(identifier ?? values?.identifier ?? "") ? (
            <SmsCodeField phoneField="identifier" send={sendRegisterCodeAction} label={t("code")} hint={t("codeHint")} error={fieldError("code")} />
          ) : null}
          <Field
            name="displayName"
            label={t("displayName")}
            hint={t("displayNameHint")}
            autoComplete="nickname"
            maxLength={64}
            defaultValue={values?.displayName ?? ""}
            error={fieldError("displayName")}
          />
          <NewPasswordField name="password" label={t("password")} hint={t("passwordHint", { min: PASSWORD_MIN })} error={fieldError("password")} />
          <Field
            name="confirm"
            type="password"
            label={t("confirm")}
            autoComplete="new-password"
            required
            error={fieldError("confirm")}
          />
          <CheckField
            name="consent"
            testId="consent"
            error={fieldError("consent")}
            label={tc.rich("label", {
              // A new tab, so what was typed here is still here after reading the notice.
              link: (chunks) => (
                <a href="/privacy" target="_blank" rel="noopener" className="font-medium text-brand-700 underline">
                  {chunks}
                </a>
              ),
            })}
          />
        </>
      )}
    />
  );
}
