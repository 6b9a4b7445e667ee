"use server";

import { headers } from "next/headers";
import { redirect, RedirectType } from "next/navigation";
import { z } from "zod";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { DomainError, isDomainError } from "@/lib/errors";
import { approvedStore } from "@/lib/merchants/store";
import { parseYuan } from "@/lib/money/parse";
import { customerBalances } from "@/lib/customers/summary";
import { log } from "@/lib/observability/log";
import { createPendingOrder } from "@/lib/orders/create";
import { pointsForAmount } from "@/lib/rules/preview";
import { checkOrderRate } from "@/lib/orders/rate-limit";
import { cancelPendingOrder } from "@/lib/orders/expire-pending";
import { expiresAt } from "@/lib/orders/payment";
import { customerOrder } from "@/lib/orders/view";
import { checkoutProviders, isSimulated, payerDevice, providerForDevice } from "@/lib/payments";
import { confirmDevPayment } from "@/lib/payments/dev";
import { paymentStep, type NextStep } from "./payment-step";

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

/** What a placed order still owes, as the order form shows it beside the pay step; `payBy` is an ISO time. */
export type Due = { cashFen: number; pointsUsed: number; payBy: string };

/** The order form's next step: a page to open, the provider's step, or the simulated confirm drawn in place. */
export type PlacedStep = NextStep | { simulated: true };

/** createOrderAction's answer; `due` is absent when nothing is left to pay. */
export type Placed = { orderNo: string; due?: Due; step: PlacedStep };

/**
 * The first pay step of a new pending order. When the browser's provider is known, the payment is
 * started here, so the customer goes from the order form straight to the provider (or the QR code,
 * or the simulated confirm) without loading the pay page first. The pay page stays for choosing
 * between providers, for coming back to an unpaid order, and for trying again after a provider's
 * outage: a payment that cannot be started sends the customer there, the order kept.
 */
async function firstStep(customerId: number, orderNo: string, provider: string | null): Promise<PlacedStep> {
  if (provider !== null && isSimulated(provider)) return { simulated: true };
  if (provider !== "wechat" && provider !== "alipay") return { next: `/pay/${orderNo}` };
  try {
    return await paymentStep(customerId, orderNo, provider);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    log.warn({ orderNo, code: e.code }, "payment not started from the order form; the pay page offers it again");
    return { next: `/pay/${orderNo}` };
  }
}

/**
 * Creates a pending order at a store and answers its first pay step (firstStep). It answers instead
 * of calling redirect(): a redirect from an action makes Next fetch the next page from itself over
 * HTTP and stream it inside the action's response (see docs/performance.md).
 */
export const createOrderAction = validatedAction(createOrderSchema, "any", async (input, { viewer }): Promise<Placed> => {
  const amount = parseYuan(input.amount);
  if (!amount.ok) throw new DomainError("invalid_input", amount.message, "amount", amount.params);
  const store = await approvedStore(db, { slug: input.slug });
  // The provider this browser pays with, or the first offered when the customer will choose
  // (the pay page records the choice before the payment is created).
  const offered = checkoutProviders();
  const chosen = providerForDevice(payerDevice((await headers()).get("user-agent")), offered);
  const provider = chosen ?? offered[0];
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
  const placed = order.orderNo;
  // A replayed key whose order is no longer pending (paid, cancelled, expired): its result page.
  if (order.status !== "pending") return { orderNo: placed, step: { next: `/orders/${placed}` } };
  const due: Due = {
    cashFen: order.cashFen,
    pointsUsed: order.pointsUsed,
    payBy: expiresAt(order.createdAt).toISOString(),
  };
  return { orderNo: placed, due, step: await firstStep(viewer.userId, placed, chosen) };
});

/**
 * Confirms the simulated payment through the dev provider's signed webhook. From the pay page, the
 * result replaces it in the history, so Back after paying does not bring back a live 确认支付; from
 * the store page's form it is pushed, so Back returns to the store.
 */
export const confirmPaymentAction = validatedAction(
  z.object({ orderNo, from: z.literal("store", "form.refresh").optional() }),
  "any",
  async (input, { viewer }) => {
    const order = await customerOrder(viewer.userId, input.orderNo);
    if (order.status === "pending") {
      await confirmDevPayment({ orderNo: order.orderNo, cashFen: order.cashFen });
    }
    redirect(`/orders/${order.orderNo}`, input.from === "store" ? RedirectType.push : RedirectType.replace);
  },
);

/**
 * Starts paying a pending order with the chosen provider (WeChat Pay or Alipay), from the pay page:
 * the browser then goes to the provider's page, shows the QR code, or calls WeixinJSBridge.
 */
export const startPaymentAction = validatedAction(
  z.object({ orderNo, provider: z.enum(["wechat", "alipay"]) }),
  "any",
  async (input, { viewer }): Promise<NextStep> => paymentStep(viewer.userId, input.orderNo, input.provider),
);

/** Cancels one of the customer's pending orders (closed at the provider first). */
export const cancelOrderAction = validatedAction(z.object({ orderNo }), "any", async (input, { viewer }) => {
  await cancelPendingOrder(viewer.userId, input.orderNo);
  redirect(`/orders/${input.orderNo}`);
});
