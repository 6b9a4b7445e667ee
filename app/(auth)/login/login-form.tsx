"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { Field } from "@/app/_components";
import { login } from "../actions";
import { AuthForm } from "../auth-form";

export function LoginForm({ next }: { next: string | null }) {
  const t = useTranslations("auth.login");
  return (
    <AuthForm
      action={login}
      next={next}
      submit={t("submit")}
      pendingText={t("pending")}
      fields={({ fieldError, values }) => (
        <>
          <Field
            name="identifier"
            label={t("identifier")}
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            required
            defaultValue={values?.identifier ?? ""}
            error={fieldError("identifier")}
          />
          <Field
            name="password"
            type="password"
            label={t("password")}
            autoComplete="current-password"
            required
            error={fieldError("password")}
          />
          <p className="-mt-2 text-right">
            <Link href="/forgot" className="inline-flex min-h-11 min-w-11 items-center px-1 text-sm font-medium text-brand-700 underline underline-offset-2">
              {t("forgot")}
            </Link>
          </p>
        </>
      )}
    />
  );
}
