"use client";

import { useTranslations } from "next-intl";
import { useEffect } from "react";
import type { PlacedStep } from "../actions";

// The server's pay steps (payment-step.ts's, and the order form's simulated confirm), typed from
// the server's own answer so the two cannot drift: next, redirectTo and jsapi leave the page.
type Step = PlacedStep;
type JsapiParams = Extract<Step, { jsapi: unknown }>["jsapi"];
type Bridge = { invoke(name: string, params: JsapiParams, done: (res: { err_msg?: string }) => void): void };

/** WeChat's in-app browser injects WeixinJSBridge; the JSAPI payment runs through it. */
function payInWechat(params: JsapiParams, done: () => void): void {
  const bridge = (window as unknown as { WeixinJSBridge?: Bridge }).WeixinJSBridge;
  if (!bridge) return done();
  bridge.invoke("getBrandWCPayRequest", params, () => done());
}

/**
 * Carries out a pay step that leaves the page, once it arrives: the provider's page, a page of the
 * app (through `open`, so the order form can use the router), or WeChat's JSAPI sheet, after which
 * the pay page asks the provider how it ended.
 */
export function useLeaveFor(step: Step | null, orderNo: string | null, open: (href: string) => void): void {
  useEffect(() => {
    if (!step || !orderNo) return;
    if ("redirectTo" in step) window.location.assign(step.redirectTo);
    else if ("next" in step) open(step.next);
    else if ("jsapi" in step) payInWechat(step.jsapi, () => open(`/pay/${orderNo}`));
  }, [step, orderNo, open]);
}

/** WeChat Native's QR code, drawn on the server as a data URL, and the way back once it is paid. */
export function QrStep({ qr, orderNo }: { qr: string; orderNo: string }) {
  const t = useTranslations("customer.pay");
  return (
    <div className="space-y-2 text-center" data-testid="pay-qr">
      {/* A data URL drawn on the server: next/image has nothing to optimise here. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={qr} alt={t("qrAlt")} width={240} height={240} className="mx-auto" />
      <p className="text-sm text-muted">{t("scanQr")}</p>
      <a className="font-medium text-brand-700 underline" href={`/pay/${orderNo}`}>
        {t("checkPaid")}
      </a>
    </div>
  );
}
