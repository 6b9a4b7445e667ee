"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, FormError } from "@/app/_components";
import { cancelOrderAction } from "../actions";

export function CancelButton({ orderNo }: { orderNo: string }) {
  const t = useTranslations("customer.pay");
  const [state, action, pending] = useActionState(cancelOrderAction, null);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="orderNo" value={orderNo} />
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
      <Button type="submit" variant="secondary" pending={pending} pendingText={t("cancelling")}>
        {t("cancel")}
      </Button>
    </form>
  );
}
