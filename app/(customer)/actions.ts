"use server";

import { headers } from "next/headers";
import { redirect, RedirectType } from "next/navigation";
import QRCode from "qrcode";
import { z } from "zod";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { clientAddress } from "@/lib/auth/client-address";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { approvedStore } from "@/lib/merchants/store";
import { parseYuan } from "@/lib/money/parse";
import { customerBalances } from "@/lib/customers/summary";
import { createPendingOrder } from "@/lib/orders/create";
import { pointsForAmount } from "@/lib/rules/preview";
import { checkOrderRate } from "@/lib/orders/rate-limit";
import { cancelPendingOrder } from "@/lib/orders/expire-pending";
import { startPayment } from "@/lib/orders/payment";
import { boundWechatOpenid } from "@/lib/wallet/payout-accounts";
import { wechatBindingAvailable } from "@/lib/wallet/wechat-binding";
import { customerOrder } from "@/lib/orders/view";
import { checkoutProviders, payerDevice, providerForDevice, type PaymentAction } from "@/lib/payments";
import { confirmDevPayment } from "@/lib/payments/dev";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, "store.notFound");
const orderNo = z.string().regex(/^FL\d{6}[2-9A-Z]{8}$/, "order.badNumber");

const createOrderSchema = z.object({
  slug,
  amount: z.string().max(32, "amount.invalid"),
  // Points to redeem: a whole number, or empty for none.
  points: z
    .string()
    .trim()
    .regex(/^\d{0,9}$/, "points.wholeNumber")
    .optional()
    .transform((v) => (v ? Number(v) : 0)),
  // The order form's "use my points" switch: redeem what is available, as its preview showed.
  usePoints: z.literal("on", "points.wholeNumber").optional(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, "form.refresh"),
});

/**
 * Creates a pending order at a store; the form then takes the customer to pay it. It answers with
 * the address instead of calling redirect(): a redirect from an action makes Next fetch the pay
 * page from itself over HTTP and stream it inside the action's response (see docs/performance.md).
 */
export const createOrderAction = validatedAction(createOrderSchema, "any", async (input, { viewer }) => {
  const amount = parseYuan(input.amount);
  if (!amount.ok) throw new DomainError("invalid_input", amount.message, "amount", amount.params);
  const store = await approvedStore(db, { slug: input.slug });
  // The provider this browser pays with, or the first offered when the customer will choose
  // (the pay page records the choice before the payment is created).
  const offered = checkoutProviders();
  const provider = providerForDevice(payerDevice((await headers()).get("user-agent")), offered) ?? offered[0];
  if (!provider) throw new DomainError("not_allowed", "payment.providerOff");
  const points = input.usePoints ? pointsForAmount(amount.fen, (await customerBalances(viewer.userId)).pointsAvailable) : input.points;
  const { order } = await inTransaction(async (tx) => {
    await checkOrderRate(tx, viewer.userId, input.idempotencyKey);
    return createPendingOrder(tx, {
      customerId: viewer.userId,
      merchantId: store.merchant.id,
      amountFen: amount.fen,
      pointsUsed: points,
      idempotencyKey: input.idempotencyKey,
      provider,
    }, store);
  });
  return { orderNo: order.orderNo, next: order.status === "pending" ? `/pay/${order.orderNo}` : `/orders/${order.orderNo}` };
});

/**
 * Confirms the simulated payment through the dev provider's signed webhook. The result page
 * replaces the pay page in the history, so Back after paying does not bring back a live 确认支付.
 */
export const confirmPaymentAction = validatedAction(z.object({ orderNo }), "any", async (input, { viewer }) => {
  const order = await customerOrder(viewer.userId, input.orderNo);
  if (order.status === "pending") {
    await confirmDevPayment({ orderNo: order.orderNo, cashFen: order.cashFen });
  }
  redirect(`/orders/${order.orderNo}`, RedirectType.replace);
});

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]{2,39})$/;

/** What the pay page's browser code does next; a QR code comes drawn as a data URL. */
type NextStep =
  | { next: string }
  | { redirectTo: string }
  | { qr: string }
  | { jsapi: Extract<PaymentAction, { kind: "jsapi" }>["params"] };

/**
 * Starts paying a pending order with the chosen provider (WeChat Pay or Alipay): the browser then
 * goes to the provider's page, shows the QR code, or calls WeixinJSBridge.
 */
export const startPaymentAction = validatedAction(
  z.object({ orderNo, provider: z.enum(["wechat", "alipay"]) }),
  "any",
  async (input, { viewer }): Promise<NextStep> => {
    const h = await headers();
    const address = clientAddress(h, { header: env.TRUSTED_PROXY_HEADER, hops: env.TRUSTED_PROXY_HOPS });
    const device = payerDevice(h.get("user-agent"));
    const openid = device === "wechat" && input.provider === "wechat" ? await boundWechatOpenid(viewer.userId) : undefined;
    // JSAPI pays as the customer's openid: without one, WeChat's OAuth gets it first and comes back here.
    if (device === "wechat" && input.provider === "wechat" && !openid && wechatBindingAvailable()) {
      return { redirectTo: `/me/wallet/wechat?next=${encodeURIComponent(`/pay/${input.orderNo}`)}` };
    }
    const started = await startPayment({
      customerId: viewer.userId,
      orderNo: input.orderNo,
      providerId: input.provider,
      device,
      // WeChat H5 wants the payer's address: only a trusted proxy header gives the real one.
      clientIp: IP.test(address) ? address : "127.0.0.1",
      // JSAPI inside WeChat pays as the customer's openid, from binding WeChat (WeChat's OAuth).
      openid,
    });
    if (started.paid) return { next: `/orders/${input.orderNo}` };
    const action = started.action;
    switch (action.kind) {
      case "redirect":
        return { redirectTo: action.url };
      case "qr":
        return { qr: await QRCode.toDataURL(action.codeUrl, { margin: 1, width: 240 }) };
      case "jsapi":
        return { jsapi: action.params };
      default:
        return { next: `/pay/${input.orderNo}` };
    }
  },
);

/** Cancels one of the customer's pending orders (closed at the provider first). */
export const cancelOrderAction = validatedAction(z.object({ orderNo }), "any", async (input, { viewer }) => {
  await cancelPendingOrder(viewer.userId, input.orderNo);
  redirect(`/orders/${input.orderNo}`);
});
