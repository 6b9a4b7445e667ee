import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { env, internalUrl } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { paymentEventSchema, type PaymentEvent, type PaymentProvider } from "./provider";
import { log } from "@/lib/observability/log";

export const SIGNATURE_HEADER = "x-freeline-signature";
/** How old a signed webhook may be before it is refused as a replay. */
const TOLERANCE_S = 300;

function hmac(timestamp: number, body: string, secret = env.PAYMENT_DEV_SECRET): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/**
 * Signs a body the way the dev provider's webhook expects: `t=<unix seconds>,v1=<hex hmac>`.
 * `secret` is for a client outside the server's process (the chaos run), which knows the server's.
 */
export function signDevWebhook(body: string, now = Date.now(), secret?: string): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${hmac(t, body, secret)}`;
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

/**
 * The built-in simulated provider. It confirms through the same signed webhook a real one would
 * call, and moves no money: a refund or transfer "succeeds" under a reference derived from its
 * out-id, so asking twice with one out-id answers the same.
 */
export const devProvider: PaymentProvider = {
  id: "dev",
  simulated: true,
  async createPayment() {
    return { kind: "simulated" };
  },
  // Nothing is kept at the "provider": an unconfirmed dev payment is simply not paid.
  async queryPayment() {
    return { state: "pending" };
  },
  async closePayment() {
    return { state: "closed" };
  },
  async verifyNotification(rawBody, headers) {
    verifySignature(headers.get(SIGNATURE_HEADER), rawBody);
    let data: unknown;
    try {
      data = JSON.parse(rawBody);
    } catch {
      throw new DomainError("invalid_input", "webhook body is not JSON");
    }
    const parsed = paymentEventSchema.safeParse(data);
    if (!parsed.success) throw new DomainError("invalid_input", "webhook body is not a payment event");
    return { kind: "paid", event: parsed.data };
  },
  answerNotification(outcome) {
    return outcome.ok
      ? Response.json({ orderNo: outcome.orderNo ?? null, applied: outcome.applied ?? false })
      : Response.json({ error: { code: outcome.code, message: outcome.message } }, { status: outcome.status });
  },
  async refund(req) {
    return { state: "succeeded", providerRef: `dev_${req.outRefundNo}` };
  },
  async queryRefund(req) {
    return { state: "succeeded", providerRef: `dev_${req.outRefundNo}` };
  },
  async transfer(req) {
    // So a demo or a browser journey can show a refused transfer: an address on `.invalid`, a
    // domain reserved never to exist (RFC 2606), is refused as a real provider refuses an unknown
    // payee. This provider moves no money and is never used beside a real one.
    if (req.account.kind === "alipay" && /\.invalid$/i.test(req.account.account)) {
      return { state: "failed", reason: "PAYEE_NOT_EXIST: the payee account does not exist" };
    }
    return { state: "succeeded", providerRef: `dev_${req.outBillNo}` };
  },
  async queryTransfer(req) {
    return { state: "succeeded", providerRef: `dev_${req.outBillNo}` };
  },
  // No money moved, so there is no bill: the ledger's own payment records stand in for one (DayBill).
  async downloadBill() {
    return { source: "ledger" };
  },
  // No transfer of real money is ever sent through it.
  async downloadTransferStatement() {
    return { source: "none" };
  },
};

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
    // One simulated payment per order, as a real provider takes one per out_trade_no: a second tap
    // on the confirm button repeats this payment instead of making a second one to return.
    providerRef: `dev_${order.orderNo}`,
  };
  const body = JSON.stringify(event);
  const res = await fetch(`${internalUrl()}/api/payments/dev/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signDevWebhook(body) },
    body,
    signal: AbortSignal.timeout(20_000),
  });
  if (!res.ok) {
    // The webhook's answer is for the log: the customer gets the status and a way forward.
    const text = await res.text().catch(() => "");
    log.warn({ status: res.status, orderNo: order.orderNo, body: text.slice(0, 500) }, "dev provider: webhook answered with an error");
    throw new DomainError(res.status === 503 ? "unavailable" : "conflict", "payment.confirmFailed", undefined, { status: res.status });
  }
  return (await res.json()) as WebhookReply;
}
