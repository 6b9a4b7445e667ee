"use client";

import { useTranslations } from "next-intl";
import { CheckField, Field, NewPasswordField } from "@/app/_components";
import { PASSWORD_MIN } from "@/lib/auth/password-rules";
import { register } from "../actions";
import { AuthForm } from "../auth-form";

export function RegisterForm({ next }: { next: string | null }) {
  const t = useTranslations("auth.register");
  const tc = useTranslations("privacy.consentForm");
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
            error={fieldError("identifier")}
          />
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
