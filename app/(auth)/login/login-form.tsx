"use client";

import { useActionState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { login } from "../actions";

const t = {
  identifier: "手机号或用户名",
  password: "密码",
  submit: "登录",
  pending: "正在登录…",
};

export function LoginForm({ next }: { next: string | null }) {
  const [state, action, pending] = useActionState(login, null);
  const err = state && !state.ok ? state : null;
  const fieldError = (name: string) => err?.fieldErrors?.[name] ?? null;
  const hasFieldErrors = !!err?.fieldErrors && Object.keys(err.fieldErrors).length > 0;

  return (
    <form action={action} className="space-y-4" noValidate>
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <Field
        name="identifier"
        label={t.identifier}
        autoComplete="username"
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        required
        defaultValue={err?.values?.identifier ?? ""}
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
      {err && !hasFieldErrors ? <FormError>{err.error}</FormError> : null}
      <Button type="submit" size="lg" pending={pending} pendingText={t.pending}>
        {t.submit}
      </Button>
    </form>
  );
}
