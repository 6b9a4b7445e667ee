"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { Button } from "@/app/_components";
import { revokeApiKeyAction } from "./actions";

/** Revoke, after an explicit confirmation in place (no browser dialog). */
export function RevokeKeyButton({ keyId, name }: { keyId: number; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState(revokeApiKeyAction, null);
  const t = useTranslations("merchant.apiKeys.revoke");
  if (!confirming) {
    return (
      <Button variant="ghost" size="sm" onClick={() => setConfirming(true)}>
        {t("revoke")}
      </Button>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-center justify-end gap-2">
      <input type="hidden" name="keyId" value={keyId} />
      <span className="text-sm text-danger" role="alert">
        {state && !state.ok ? state.error : t("confirm", { name })}
      </span>
      <Button type="submit" variant="danger" size="sm" pending={pending} pendingText={t("pending")}>
        {t("yes")}
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setConfirming(false)} disabled={pending}>
        {t("cancel")}
      </Button>
    </form>
  );
}
