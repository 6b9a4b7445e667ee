"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, ConfirmInPlace, FormError } from "@/app/_components";
import { createStaffInviteAction, revokeStaffAction, withdrawStaffInviteAction } from "./actions";

/** Creates an invitation and shows its code and link once. */
export function InviteForm() {
  const [state, action, pending] = useActionState(createStaffInviteAction, null);
  const t = useTranslations("merchant.staff.invite");
  return (
    <div className="space-y-3">
      <form action={action}>
        <Button type="submit" pending={pending} pendingText={t("pending")}>
          {t("submit")}
        </Button>
      </form>
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
      {state?.ok ? (
        <div role="status" className="space-y-2 rounded-xl bg-amber-50 p-3 text-amber-950 ring-1 ring-amber-200" data-testid="new-invite">
          <p className="font-medium">{t("createdTitle")}</p>
          <p className="font-mono text-2xl tracking-widest" data-testid="invite-code">
            {state.code}
          </p>
          <p className="text-sm">{t("linkHint")}</p>
          <label htmlFor="invite-link" className="sr-only">
            {t("linkLabel")}
          </label>
          <input
            id="invite-link"
            readOnly
            value={state.link}
            onFocus={(e) => e.currentTarget.select()}
            data-testid="invite-link"
            className="h-11 w-full rounded-xl border border-line bg-surface px-3 font-mono text-sm text-ink"
          />
          <p className="text-xs">{t("onceHint")}</p>
        </div>
      ) : null}
    </div>
  );
}

/** Revoke a cashier or withdraw an invitation, after a confirmation in place. */
export function EndButton({ kind, id, name }: { kind: "staff" | "invite"; id: number; name: string }) {
  // Two literal namespaces, so the check of what reaches the browser can read them.
  const revoke = useTranslations("merchant.staff.revoke");
  const withdraw = useTranslations("merchant.staff.withdraw");
  const t = kind === "staff" ? revoke : withdraw;
  return (
    <ConfirmInPlace
      action={kind === "staff" ? revokeStaffAction : withdrawStaffInviteAction}
      field={{ name: kind === "staff" ? "staffId" : "inviteId", value: id }}
      labels={{ start: t("start"), confirm: t("confirm", { name }), yes: t("yes"), cancel: t("cancel") }}
    />
  );
}
