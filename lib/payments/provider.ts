import { z } from "zod";
import type { Tx } from "@/db";

/** A confirmed payment, as a provider reports it to our webhook. */
export const paymentEventSchema = z.object({
  type: z.literal("payment.succeeded"),
  eventId: z.string().min(1).max(100),
  orderNo: z.string().regex(/^FL\d{6}[2-9A-Z]{8}$/),
  amountFen: z.number().int().positive().max(100_000_000),
  providerRef: z.string().min(1).max(100),
});

export type PaymentEvent = z.infer<typeof paymentEventSchema>;

/** A refund of an order's cash, as the refund domain asks the order's provider for it. */
export type RefundRequest = {
  orderId: number;
  orderNo: string;
  /** The provider's reference of the original payment. */
  paymentRef: string | null;
  /** Cash to return, in fen (the points part is returned as points, not through the provider). */
  amountFen: number;
  actorUserId: number;
  reason?: string;
};

export type RefundReceipt = { providerRef: string };

/**
 * What a payment provider must offer. WeChat Pay and Alipay plug in here; `dev` simulates one.
 * verifyWebhook authenticates the provider's call (its signature) and parses the event; it throws
 * DomainError("unauthenticated") on a bad signature and ("invalid_input") on a bad body.
 */
export interface PaymentProvider {
  readonly id: string;
  /** Shown plainly in the UI: a simulated provider moves no real money. */
  readonly simulated: boolean;
  verifyWebhook(rawBody: string, headers: Headers): PaymentEvent;
  /**
   * Returns an order's cash and records it in payment_refunds, inside the caller's transaction, so
   * the refund and its ledger reversal commit or roll back together. The unique key on
   * payment_refunds.order_id makes a second refund of one order fail (DomainError "conflict").
   */
  refund(tx: Tx, req: RefundRequest): Promise<RefundReceipt>;
}
