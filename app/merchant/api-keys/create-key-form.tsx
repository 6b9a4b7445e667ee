"use client";

import { useTranslations } from "next-intl";
import { useActionState, useRef, useState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { createApiKeyAction } from "./actions";

/** The create form; after success it shows the new key once, with a copy button. */
export function CreateKeyForm() {
  const [state, action, pending] = useActionState(createApiKeyAction, null);
  const t = useTranslations("merchant.apiKeys.form");
  const fieldError = state && !state.ok ? (state.fieldErrors?.name ?? (state.field === "name" ? state.error : null)) : null;
  const formError = state && !state.ok && !fieldError ? state.error : null;
  return (
    <div className="space-y-4">
      <form action={action} className="flex flex-col gap-3 sm:flex-row sm:items-start" noValidate>
        <Field
          name="name"
          label={t("name")}
          hint={t("nameHint")}
          placeholder={t("placeholder")}
          maxLength={64}
          autoComplete="off"
          required
          defaultValue={state && !state.ok ? (state.values?.name ?? "") : ""}
          error={fieldError}
          className="flex-1"
        />
        <Button type="submit" pending={pending} pendingText={t("pending")} className="sm:mt-7">
          {t("submit")}
        </Button>
      </form>
      {formError ? <FormError>{formError}</FormError> : null}
      {state?.ok ? <NewKey key={state.token} name={state.name} token={state.token} /> : null}
    </div>
  );
}

function NewKey({ name, token }: { name: string; token: string }) {
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  const input = useRef<HTMLInputElement>(null);
  const t = useTranslations("merchant.apiKeys.form");
  async function copy() {
    try {
      await navigator.clipboard.writeText(token);
      setCopied("yes");
    } catch {
      input.current?.select();
      setCopied("failed");
    }
  }
  return (
    <div role="status" className="space-y-2 rounded-xl bg-amber-50 p-3 ring-1 ring-amber-200" data-testid="new-api-key">
      <p className="font-medium text-ink">{t("createdTitle", { name })}</p>
      <p className="text-sm text-amber-900">{t("onceHint")}</p>
      <div className="flex gap-2">
        <label htmlFor="new-api-key-value" className="sr-only">
          {t("keyLabel")}
        </label>
        <input
          id="new-api-key-value"
          ref={input}
          readOnly
          value={token}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
          data-testid="new-api-key-value"
          className="h-11 min-w-0 flex-1 rounded-xl border border-line bg-surface px-3 font-mono text-sm text-ink"
        />
        <Button variant="secondary" onClick={copy}>
          {copied === "yes" ? t("copied") : t("copy")}
        </Button>
      </div>
      {copied === "failed" ? <p className="text-xs text-muted">{t("copyFailed")}</p> : null}
    </div>
  );
}
