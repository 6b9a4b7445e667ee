import "server-only";
import { headers } from "next/headers";
import QRCode from "qrcode";
import { clientAddress } from "@/lib/auth/client-address";
import { env } from "@/lib/env";
import { startPayment } from "@/lib/orders/payment";
import { payerDevice, type PaymentAction } from "@/lib/payments";
import { boundWechatOpenid } from "@/lib/wallet/payout-accounts";
import { wechatBindingAvailable } from "@/lib/wallet/wechat-binding";

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]{2,39})$/;

/** What the browser does next to pay; a QR code comes drawn as a data URL. */
export type NextStep =
  | { next: string }
  | { redirectTo: string }
  | { qr: string }
  | { jsapi: Extract<PaymentAction, { kind: "jsapi" }>["params"] };

/**
 * Starts paying a pending order of the customer with a real provider (WeChat Pay or Alipay) and
 * answers what the browser does next: go to the provider's page, show the QR code, or call
 * WeixinJSBridge. Both the order form (when the browser's provider is known) and the pay page's
 * buttons start payments here. No transaction is open while the provider is called.
 */
export async function paymentStep(customerId: number, orderNo: string, provider: "wechat" | "alipay"): Promise<NextStep> {
  const h = await headers();
  const address = clientAddress(h, { header: env.TRUSTED_PROXY_HEADER, hops: env.TRUSTED_PROXY_HOPS });
  const device = payerDevice(h.get("user-agent"));
  const openid = device === "wechat" && provider === "wechat" ? await boundWechatOpenid(customerId) : undefined;
  // JSAPI pays as the customer's openid: without one, WeChat's OAuth gets it first and comes back to the pay page.
  if (device === "wechat" && provider === "wechat" && !openid && wechatBindingAvailable()) {
    return { redirectTo: `/me/wallet/wechat?next=${encodeURIComponent(`/pay/${orderNo}`)}` };
  }
  const started = await startPayment({
    customerId,
    orderNo,
    providerId: provider,
    device,
    // WeChat H5 wants the payer's address: only a trusted proxy header gives the real one.
    clientIp: IP.test(address) ? address : "127.0.0.1",
    openid,
  });
  if (started.paid) return { next: `/orders/${orderNo}` };
  const action = started.action;
  switch (action.kind) {
    case "redirect":
      return { redirectTo: action.url };
    case "qr":
      return { qr: await QRCode.toDataURL(action.codeUrl, { margin: 1, width: 240 }) };
    case "jsapi":
      return { jsapi: action.params };
    default:
      return { next: `/pay/${orderNo}` };
  }
}
