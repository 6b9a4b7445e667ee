import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { merchants, orders } from "@/db/schema";
import { env, publicUrl } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import {
  checkoutProviders,
  paymentProvider,
  ProviderUnavailableError,
  type PayerDevice,
  type PaymentAction,
  type PaymentProvider,
} from "@/lib/payments";
import { applyPaymentEvent } from "./notification";
import type { PaidOrder } from "./pay";
import { log } from "@/lib/observability/log";

/** When a pending order created at `createdAt` expires (the platform's PAYMENT_EXPIRY_MINUTES). */
export function expiresAt(createdAt: Date): Date {
  return new Date(createdAt.getTime() + env.PAYMENT_EXPIRY_MINUTES * 60_000);
}

type PendingRow = { id: number; order_no: string; cash_fen: number; provider: string; status: string; created_at: Date; store_name: string };

async function customerPendingOrder(customerId: number, orderNo: string): Promise<PendingRow> {
  const [row] = await db
    .select({
      id: orders.id,
      order_no: orders.orderNo,
      cash_fen: orders.cashFen,
      provider: orders.provider,
      status: orders.status,
      created_at: orders.createdAt,
      store_name: merchants.name,
    })
    .from(orders)
    .innerJoin(merchants, eq(merchants.id, orders.merchantId))
    .where(and(eq(orders.orderNo, orderNo), eq(orders.customerId, customerId)));
  if (!row) throw new DomainError("not_found", "order.notFound");
  if (row.status !== "pending") throw new DomainError("conflict", "payment.notPending", undefined, { orderNo });
  return row;
}

/** A provider's outage, as the customer is told about it (they may try again). */
function unavailable(e: unknown): never {
  if (e instanceof ProviderUnavailableError) {
    log.warn({ err: e.message }, "payment provider unavailable");
    throw new DomainError("unavailable", "payment.providerUnavailable");
  }
  throw e;
}

export type StartedPayment = { action: PaymentAction; paid: PaidOrder | null };

/**
 * Starts (or starts again) paying one of the customer's pending orders with a provider the platform
 * offers, and answers what the browser does next. No transaction is open while the provider is
 * called. Switching provider first closes the payment at the previous one, so one order cannot be
 * paid twice; if the previous provider reports it paid, that payment is applied instead.
 */
export async function startPayment(args: {
  customerId: number;
  orderNo: string;
  providerId: string;
  device: PayerDevice;
  clientIp: string;
  openid?: string;
  /** The providers offered and where to find them; tests pass the fakes' (default: the configured ones). */
  offered?: readonly string[];
  lookup?: (id: string) => PaymentProvider;
}): Promise<StartedPayment> {
  if (!(args.offered ?? checkoutProviders()).includes(args.providerId)) throw new DomainError("not_allowed", "payment.providerOff");
  const order = await customerPendingOrder(args.customerId, args.orderNo);
  const due = expiresAt(order.created_at);
  if (due.getTime() <= Date.now()) throw new DomainError("conflict", "payment.expired", undefined, { orderNo: args.orderNo });
  const lookup = args.lookup ?? paymentProvider;
  const provider = lookup(args.providerId);

  if (order.provider !== provider.id) {
    // Back to a provider this order was paid with before (A, then B, then A again, e.g. after the
    // platform turned A off and on): its payment there was closed when the order left it, and a
    // provider never reopens a closed payment under the same order number. It is asked first: a
    // payment it took after all is applied; a closed one is refused with a clear message, while
    // the payment at the current provider stays open.
    if (!provider.simulated && provider.id !== "pos") {
      const there = await provider.queryPayment(order.order_no).catch(unavailable);
      if (there.state === "paid") return { action: { kind: "simulated" }, paid: await applyPaymentEvent(provider.id, there.event) };
      if (there.state === "closed") throw new DomainError("conflict", "payment.providerClosed");
    }
    const previous = lookup(order.provider);
    if (!previous.simulated && order.provider !== "pos") {
      const closed = await previous.closePayment(order.order_no).catch(unavailable);
      if (closed.state === "paid") return { action: { kind: "simulated" }, paid: await applyPaymentEvent(previous.id, closed.event) };
    }
    await db
      .update(orders)
      .set({ provider: provider.id })
      .where(and(eq(orders.id, order.id), eq(orders.status, "pending")));
  }

  const action = await provider
    .createPayment({
      orderNo: order.order_no,
      amountFen: order.cash_fen,
      description: order.store_name,
      device: args.device,
      clientIp: args.clientIp,
      openid: args.openid,
      returnUrl: `${publicUrl()}/pay/${order.order_no}`,
      expiresAt: due,
    })
    .catch(unavailable);
  return { action, paid: null };
}

/**
 * Asks the order's provider whether it was paid, and applies the payment if so: the browser's
 * return from the provider's page does this, so the customer sees the result even when the
 * notification is late (or arrived first: then nothing is applied twice).
 */
export async function syncPayment(orderNo: string, lookup: (id: string) => PaymentProvider = paymentProvider): Promise<PaidOrder | null> {
  const [row] = await db.select({ provider: orders.provider, status: orders.status }).from(orders).where(eq(orders.orderNo, orderNo));
  if (!row || row.status === "paid" || row.status === "refunded") return null;
  const provider = lookup(row.provider);
  if (provider.simulated || provider.id === "pos") return null;
  const status = await provider.queryPayment(orderNo).catch(unavailable);
  return status.state === "paid" ? applyPaymentEvent(provider.id, status.event) : null;
}
