"use client";

import { useTranslations } from "next-intl";
import { ConfirmInPlace } from "@/app/_components";
import { revokeApiKeyAction } from "./actions";

/** Revoke, after an explicit confirmation in place (no browser dialog). */
export function RevokeKeyButton({ keyId, name }: { keyId: number; name: string }) {
  const t = useTranslations("merchant.apiKeys.revoke");
  return (
    <ConfirmInPlace
      action={revokeApiKeyAction}
      field={{ name: "keyId", value: keyId }}
      labels={{ start: t("revoke"), confirm: t("confirm", { name }), yes: t("yes"), cancel: t("cancel"), pending: t("pending") }}
    />
  );
}
