"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, FormError } from "@/app/_components";
import { startPaymentAction } from "../../actions";
import { QrStep, useLeaveFor } from "../../_ui/pay-steps";

/** Pages of the app open with a full load here: the result page must not come from the router's cache. */
const assign = (href: string) => window.location.assign(href);

/**
 * One button per provider the customer may pay with. The server creates the payment; the browser
 * then follows what it answers: the provider's page, a QR code to scan, or WeChat's JSAPI.
 */
export function ProviderPay({ orderNo, providers }: { orderNo: string; providers: readonly ("wechat" | "alipay")[] }) {
  const t = useTranslations("customer.pay");
  const [state, action, pending] = useActionState(startPaymentAction, null);
  useLeaveFor(state?.ok ? state : null, orderNo, assign);

  return (
    <div className="space-y-3">
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
      {state?.ok && "qr" in state ? <QrStep qr={state.qr} orderNo={orderNo} /> : null}
      {providers.map((p) => (
        <form key={p} action={action}>
          <input type="hidden" name="orderNo" value={orderNo} />
          <input type="hidden" name="provider" value={p} />
          <Button type="submit" size="lg" className="w-full" pending={pending} pendingText={t("starting")}>
            {t("payWith", { provider: t(`provider.${p}`) })}
          </Button>
        </form>
      ))}
    </div>
  );
}
