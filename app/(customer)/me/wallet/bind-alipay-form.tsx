"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { Button, Field, FormError, FormSuccess } from "@/app/_components";
import { bindAlipayAction } from "./actions";

/** Binds an Alipay account: the real name and the logon id (phone or email). Folded away once one is bound. */
export function BindAlipayForm({ replacing }: { replacing: boolean }) {
  const t = useTranslations("customer.wallet.payout");
  const [state, action, pending] = useActionState(bindAlipayAction, null);
  const [open, setOpen] = useState(!replacing);
  const failed = state && !state.ok ? state : null;
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const nameError = errorFor("realName");
  const accountError = errorFor("alipayAccount");
  const formError = failed && !nameError && !accountError ? failed.error : null;

  if (!open) {
    return (
      <div className="space-y-2">
        {state?.ok ? <FormSuccess data-testid="bind-alipay-done">{t("done", { account: state.account })}</FormSuccess> : null}
        <Button variant="secondary" size="sm" onClick={() => setOpen(true)} data-testid="bind-alipay-open">
          {t("replaceAlipay")}
        </Button>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-3" noValidate data-testid="bind-alipay-form">
      <Field name="realName" label={t("realName")} hint={t("realNameHint")} autoComplete="name" maxLength={40} defaultValue={failed?.values?.realName ?? ""} error={nameError} required />
      <Field
        name="alipayAccount"
        label={t("alipayAccount")}
        hint={t("alipayAccountHint")}
        autoComplete="off"
        inputMode="email"
        maxLength={100}
        defaultValue={failed?.values?.alipayAccount ?? ""}
        error={accountError}
        required
      />
      {formError ? <FormError>{formError}</FormError> : null}
      {state?.ok ? <FormSuccess data-testid="bind-alipay-done">{t("done", { account: state.account })}</FormSuccess> : null}
      <Button type="submit" pending={pending} pendingText={t("pending")}>
        {replacing ? t("replaceAlipay") : t("bindAlipay")}
      </Button>
    </form>
  );
}
