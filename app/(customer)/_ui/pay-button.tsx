"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, FormError } from "@/app/_components";
import { confirmPaymentAction } from "../actions";

/**
 * The simulated provider's confirm button. `from="store"` when it is drawn in place on the store
 * page: the result is then pushed onto the history instead of replacing the page.
 */
export function PayButton({ orderNo, from }: { orderNo: string; from?: "store" }) {
  const t = useTranslations("customer.pay");
  const [state, action, pending] = useActionState(confirmPaymentAction, null);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="orderNo" value={orderNo} />
      {from ? <input type="hidden" name="from" value={from} /> : null}
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
      <Button type="submit" size="lg" pending={pending} pendingText={t("pending")}>
        {t("confirm")}
      </Button>
    </form>
  );
}
