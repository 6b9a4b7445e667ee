"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, FormError } from "@/app/_components";
import { agreeToNoticeAction } from "./actions";

/** "I agree": records the consent to this version of the notice and goes on to `next`. */
export function AgreeForm({ next }: { next: string | null }) {
  const t = useTranslations("privacy.consentForm");
  const [state, action, pending] = useActionState(agreeToNoticeAction, null);
  return (
    <form action={action} className="space-y-3" data-testid="agree-form">
      {next ? <input type="hidden" name="next" value={next} /> : null}
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
      <Button type="submit" size="lg" pending={pending} pendingText={t("pending")}>
        {t("agree")}
      </Button>
    </form>
  );
}
