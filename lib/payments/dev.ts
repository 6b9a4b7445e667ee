import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { Tx } from "@/db";
import { pgCode, pgConstraint } from "@/db/errors";
import { paymentRefunds } from "@/db/schema";
import { env, internalUrl } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { paymentEventSchema, type PaymentEvent, type PaymentProvider, type RefundReceipt, type RefundRequest } from "./provider";

export const SIGNATURE_HEADER = "x-freeline-signature";
/** How old a signed webhook may be before it is refused as a replay. */
const TOLERANCE_S = 300;

function hmac(timestamp: number, body: string): string {
  return createHmac("sha256", env.PAYMENT_DEV_SECRET).update(`${timestamp}.${body}`).digest("hex");
}

/** Signs a body the way the dev provider's webhook expects: `t=<unix seconds>,v1=<hex hmac>`. */
export function signDevWebhook(body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${hmac(t, body)}`;
}

function verifySignature(header: string | null, body: string, now = Date.now()): void {
  const m = header ? /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!m) throw new DomainError("unauthenticated", "missing or malformed webhook signature");
  const t = Number(m[1]);
  if (Math.abs(Math.floor(now / 1000) - t) > TOLERANCE_S) {
    throw new DomainError("unauthenticated", "webhook signature expired");
  }
  const expected = Buffer.from(hmac(t, body), "hex");
  const given = Buffer.from(m[2]!, "hex");
  if (!timingSafeEqual(expected, given)) throw new DomainError("unauthenticated", "bad webhook signature");
}

/** The built-in simulated provider. It confirms through the same signed webhook a real one would call. */
export const devProvider: PaymentProvider = {
  id: "dev",
  simulated: true,
  verifyWebhook(rawBody, headers) {
    verifySignature(headers.get(SIGNATURE_HEADER), rawBody);
    let data: unknown;
    try {
      data = JSON.parse(rawBody);
    } catch {
      throw new DomainError("invalid_input", "webhook body is not JSON");
    }
    const parsed = paymentEventSchema.safeParse(data);
    if (!parsed.success) throw new DomainError("invalid_input", "webhook body is not a payment event");
    return parsed.data;
  },
  refund: recordDevRefund,
};

/**
 * The dev provider's refund: no money moves anywhere, it only records the refund with a generated
 * reference, as a real provider's refund receipt would be recorded.
 */
async function recordDevRefund(tx: Tx, req: RefundRequest): Promise<RefundReceipt> {
  const providerRef = `dev_refund_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
  try {
    await tx.insert(paymentRefunds).values({
      orderId: req.orderId,
      provider: "dev",
      providerRef,
      amountFen: req.amountFen,
      actorUserId: req.actorUserId,
      reason: req.reason ?? null,
    });
  } catch (e) {
    if (pgCode(e) === "23505" && pgConstraint(e) === "payment_refunds_order_key") {
      throw new DomainError("conflict", `订单 ${req.orderNo} 已退款，不能重复退款 / order already refunded`);
    }
    throw e;
  }
  return { providerRef };
}

export type WebhookReply = { orderNo: string; applied: boolean };

/**
 * Simulates the customer paying: the "provider" calls our webhook over HTTP, signed, exactly as a
 * real provider would. Resolves once the webhook has answered 200.
 */
export async function confirmDevPayment(order: { orderNo: string; cashFen: number }): Promise<WebhookReply> {
  const event: PaymentEvent = {
    type: "payment.succeeded",
    eventId: randomUUID(),
    orderNo: order.orderNo,
    amountFen: order.cashFen,
    providerRef: `dev_${randomUUID().replaceAll("-", "").slice(0, 20)}`,
  };
  const body = JSON.stringify(event);
  const res = await fetch(`${internalUrl()}/api/payments/dev/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signDevWebhook(body) },
    body,
    signal: AbortSignal.timeout(20_000),
  });
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    throw new DomainError(res.status === 503 ? "unavailable" : "conflict", `支付确认失败 (${res.status}) ${text.slice(0, 200)}`);
  }
  return (await res.json()) as WebhookReply;
}
