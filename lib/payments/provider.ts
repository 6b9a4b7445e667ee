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
}
