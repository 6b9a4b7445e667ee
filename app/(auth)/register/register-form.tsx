"use client";

import { Field } from "@/app/_components";
import { PASSWORD_MAX, PASSWORD_MIN } from "@/lib/auth/password-rules";
import { register } from "../actions";
import { AuthForm } from "../auth-form";

const t = {
  identifier: "手机号或用户名",
  identifierHint: "手机号（11 位），或 3–32 位小写字母、数字、下划线",
  displayName: "昵称（可选）",
  displayNameHint: "显示在页面顶部，不填则使用用户名",
  password: "密码",
  passwordHint: `至少 ${PASSWORD_MIN} 个字符，不要用常见密码`,
  confirm: "确认密码",
  submit: "注册并登录",
  pending: "正在注册…",
};

export function RegisterForm({ next }: { next: string | null }) {
  return (
    <AuthForm
      action={register}
      next={next}
      submit={t.submit}
      pendingText={t.pending}
      fields={({ fieldError, values }) => (
        <>
          <Field
            name="identifier"
            label={t.identifier}
            hint={t.identifierHint}
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
            label={t.displayName}
            hint={t.displayNameHint}
            autoComplete="nickname"
            maxLength={64}
            defaultValue={values?.displayName ?? ""}
            error={fieldError("displayName")}
          />
          <Field
            name="password"
            type="password"
            label={t.password}
            hint={t.passwordHint}
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN}
            maxLength={PASSWORD_MAX}
            error={fieldError("password")}
          />
          <Field
            name="confirm"
            type="password"
            label={t.confirm}
            autoComplete="new-password"
            required
            error={fieldError("confirm")}
          />
        </>
      )}
    />
  );
}
