"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, FormError } from "@/app/_components";
import { confirmPaymentAction } from "../../actions";

export function PayButton({ orderNo }: { orderNo: string }) {
  const t = useTranslations("customer.pay");
  const [state, action, pending] = useActionState(confirmPaymentAction, null);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="orderNo" value={orderNo} />
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
      <Button type="submit" size="lg" pending={pending} pendingText={t("pending")}>
        {t("confirm")}
      </Button>
    </form>
  );
}
