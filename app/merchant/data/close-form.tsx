"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { closeStoreAction } from "./actions";

/** Closing for good: the owner types the store's address to confirm. */
export function CloseForm({ slug }: { slug: string }) {
  const t = useTranslations("privacy.store");
  const [state, action, pending] = useActionState(closeStoreAction, null);
  const failed = state && !state.ok ? state : null;
  const slugError = failed?.fieldErrors?.slug ?? (failed?.field === "slug" ? failed.error : null);
  return (
    <form action={action} className="space-y-4" noValidate data-testid="close-form">
      <Field name="slug" label={t("slug", { slug })} autoComplete="off" autoCapitalize="none" spellCheck={false} required maxLength={64} error={slugError} />
      {failed && !slugError ? <FormError>{failed.error}</FormError> : null}
      <Button type="submit" variant="danger" pending={pending} pendingText={t("pending")}>
        {t("submit")}
      </Button>
    </form>
  );
}
