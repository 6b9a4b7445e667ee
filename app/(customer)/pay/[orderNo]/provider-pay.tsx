"use client";

import { useTranslations } from "next-intl";
import { useActionState, useEffect } from "react";
import { Button, FormError } from "@/app/_components";
import { startPaymentAction } from "../../actions";

type JsapiParams = { appId: string; timeStamp: string; nonceStr: string; package: string; signType: "RSA"; paySign: string };
type Bridge = { invoke(name: string, params: JsapiParams, done: (res: { err_msg?: string }) => void): void };

/** WeChat's in-app browser injects WeixinJSBridge; the JSAPI payment runs through it. */
function payInWechat(params: JsapiParams, done: () => void): void {
  const bridge = (window as unknown as { WeixinJSBridge?: Bridge }).WeixinJSBridge;
  if (!bridge) return done();
  bridge.invoke("getBrandWCPayRequest", params, () => done());
}

/**
 * One button per provider the customer may pay with. The server creates the payment; the browser
 * then follows what it answers: the provider's page, a QR code to scan, or WeChat's JSAPI.
 */
export function ProviderPay({ orderNo, providers }: { orderNo: string; providers: readonly ("wechat" | "alipay")[] }) {
  const t = useTranslations("customer.pay");
  const [state, action, pending] = useActionState(startPaymentAction, null);

  useEffect(() => {
    if (!state?.ok) return;
    if ("redirectTo" in state) window.location.assign(state.redirectTo);
    else if ("next" in state) window.location.assign(state.next);
    // After the JSAPI sheet closes, reloading asks the provider how it ended.
    else if ("jsapi" in state) payInWechat(state.jsapi, () => window.location.reload());
  }, [state]);

  return (
    <div className="space-y-3">
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
      {state?.ok && "qr" in state ? (
        <div className="space-y-2 text-center" data-testid="pay-qr">
          {/* A data URL drawn on the server: next/image has nothing to optimise here. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={state.qr} alt={t("qrAlt")} width={240} height={240} className="mx-auto" />
          <p className="text-sm text-muted">{t("scanQr")}</p>
          <a className="font-medium text-brand-700 underline" href={`/pay/${orderNo}`}>
            {t("checkPaid")}
          </a>
        </div>
      ) : null}
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
