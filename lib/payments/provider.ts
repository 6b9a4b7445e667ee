import { z } from "zod";

/** A confirmed payment, as a provider reports it to our webhook. */
export const paymentEventSchema = z.object({
  type: z.literal("payment.succeeded"),
  eventId: z.string().min(1).max(100),
  orderNo: z.string().regex(/^FL\d{6}[2-9A-Z]{8}$/),
  amountFen: z.number().int().positive().max(100_000_000),
  providerRef: z.string().min(1).max(100),
});

export type PaymentEvent = z.infer<typeof paymentEventSchema>;

/** Where a provider's money-out call ended up. A network error, timeout or 5xx THROWS (the job retries). */
export type MoneyOutResult =
  | { state: "succeeded"; providerRef: string }
  /** Accepted, not final: confirm by notification or query. */
  | { state: "processing"; providerRef?: string }
  /** A final refusal (e.g. account invalid, balance). */
  | { state: "failed"; reason: string; providerRef?: string };

/** A customer's bound payout account. */
export type PayoutAccount = { kind: "wechat"; openid: string } | { kind: "alipay"; account: string; realName: string };

/** A refund of an order's cash, keyed by its stable out-id. */
export type RefundRequest = {
  outRefundNo: string;
  orderNo: string;
  /** The provider's reference of the original payment. */
  paymentRef: string | null;
  /** Cash to return, in fen (the points part is returned as points, not through the provider). */
  refundFen: number;
  /** The order's whole cash payment, in fen. */
  totalFen: number;
  reason?: string;
};

export type TransferRequest = { outBillNo: string; amountFen: number; account: PayoutAccount; remark: string };

/**
 * What a payment provider must offer. WeChat Pay and Alipay plug in here; `dev` simulates one.
 * verifyWebhook authenticates the provider's call (its signature) and parses the event; it throws
 * DomainError("unauthenticated") on a bad signature and ("invalid_input") on a bad body.
 *
 * The money-out calls take no transaction handle: they reach the outside, so they are never called
 * inside a database transaction; durable jobs call them after the intent has committed. Calling one
 * twice with the same out-id is safe: the provider deduplicates by it.
 */
export interface PaymentProvider {
  readonly id: string;
  /** Shown plainly in the UI: a simulated provider moves no real money. */
  readonly simulated: boolean;
  verifyWebhook(rawBody: string, headers: Headers): PaymentEvent;
  refund(req: RefundRequest): Promise<MoneyOutResult>;
  queryRefund(req: { outRefundNo: string; orderNo: string }): Promise<MoneyOutResult>;
  transfer(req: TransferRequest): Promise<MoneyOutResult>;
  queryTransfer(req: { outBillNo: string }): Promise<MoneyOutResult>;
}
