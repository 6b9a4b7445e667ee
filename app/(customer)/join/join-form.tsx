"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, Field, FormSuccess } from "@/app/_components";
import { acceptStaffInviteAction } from "./actions";

/** Type (or follow a link with) the owner's invitation code to become the store's cashier. */
export function JoinForm({ code }: { code: string }) {
  const [state, action, pending] = useActionState(acceptStaffInviteAction, null);
  const t = useTranslations("customer.join");
  if (state?.ok) {
    return (
      <div className="space-y-3">
        <FormSuccess data-testid="joined">{t("joined", { store: state.storeName })}</FormSuccess>
        <Link href="/merchant/queue" className="font-medium text-brand-700 underline">
          {t("open")}
        </Link>
      </div>
    );
  }
  const error = state && !state.ok ? (state.fieldErrors?.code ?? state.error) : null;
  return (
    <form action={action} className="space-y-3" noValidate>
      <Field
        name="code"
        label={t("code")}
        hint={t("codeHint")}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        required
        maxLength={32}
        defaultValue={state && !state.ok ? (state.values?.code ?? code) : code}
        error={error}
      />
      <Button type="submit" pending={pending} pendingText={t("pending")}>
        {t("submit")}
      </Button>
    </form>
  );
}
