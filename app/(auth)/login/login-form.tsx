"use client";

import { Field } from "@/app/_components";
import { login } from "../actions";
import { AuthForm } from "../auth-form";

const t = {
  identifier: "手机号或用户名",
  password: "密码",
  submit: "登录",
  pending: "正在登录…",
};

export function LoginForm({ next }: { next: string | null }) {
  return (
    <AuthForm
      action={login}
      next={next}
      submit={t.submit}
      pendingText={t.pending}
      fields={({ fieldError, values }) => (
        <>
          <Field
            name="identifier"
            label={t.identifier}
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
            label={t.password}
            autoComplete="current-password"
            required
            error={fieldError("password")}
          />
        </>
      )}
    />
  );
}
