import "server-only";
import { and, eq, lt, sql } from "drizzle-orm";
import { db } from "@/db";
import { orders } from "@/db/schema";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { paymentProvider, ProviderUnavailableError, type PaymentProvider } from "@/lib/payments";
import { applyPaymentEvent } from "./notification";
import { log } from "@/lib/observability/log";

type Lookup = (id: string) => PaymentProvider;

/** Providers with nothing to close: the simulated one, and the store's own till. */
export const hasRemotePayment = (p: PaymentProvider) => !p.simulated && p.id !== "pos";

/**
 * Closes an order's payment at its provider, outside any transaction. Answers "paid" (after
 * applying the payment) when the provider took the money before the close reached it.
 */
async function closeAtProvider(orderNo: string, providerId: string, lookup: Lookup): Promise<"closed" | "paid"> {
  const provider = lookup(providerId);
  if (!hasRemotePayment(provider)) return "closed";
  const closed = await provider.closePayment(orderNo);
  if (closed.state === "paid") {
    await applyPaymentEvent(provider.id, closed.event);
    return "paid";
  }
  return "closed";
}

/** Closes an order that is still pending (a payment applied meanwhile wins): how many rows it changed. */
async function closePending(orderNo: string, status: "expired" | "cancelled") {
  return db
    .update(orders)
    .set({ status, closedAt: sql`now()` })
    .where(and(eq(orders.orderNo, orderNo), eq(orders.status, "pending")));
}

export type ExpiryRun = { expired: number; paid: number; unavailable: number; failed: number };

/**
 * Expires pending orders not paid within PAYMENT_EXPIRY_MINUTES, oldest first, at most `limit`: each
 * is closed at its provider first (no transaction open), then marked `expired` unless it changed
 * meanwhile. A provider that reports the order paid gets it paid instead; one that does not answer
 * leaves the order pending for the next run. A success notification arriving after expiry still
 * pays the order (markOrderPaid accepts expired orders): the money is never lost.
 */
export async function expirePendingOrders(opts: { limit?: number; lookup?: Lookup; olderThanMinutes?: number } = {}): Promise<ExpiryRun> {
  const minutes = opts.olderThanMinutes ?? env.PAYMENT_EXPIRY_MINUTES;
  const lookup = opts.lookup ?? paymentProvider;
  const due = await db
    .select({ orderNo: orders.orderNo, provider: orders.provider })
    .from(orders)
    .where(and(eq(orders.status, "pending"), lt(orders.createdAt, sql`now() - make_interval(mins => ${minutes})`)))
    .orderBy(orders.createdAt)
    .limit(opts.limit ?? 200);
  const run: ExpiryRun = { expired: 0, paid: 0, unavailable: 0, failed: 0 };
  for (const row of due) {
    try {
      if ((await closeAtProvider(row.orderNo, row.provider, lookup)) === "paid") {
        run.paid++;
        continue;
      }
      const marked = await closePending(row.orderNo, "expired");
      run.expired += marked.rowCount ?? 0;
    } catch (e) {
      if (e instanceof ProviderUnavailableError) {
        run.unavailable++;
        log.warn({ orderNo: row.orderNo, err: e.message }, "pending-order expiry: provider unavailable");
      } else {
        run.failed++;
        log.error({ orderNo: row.orderNo, err: e }, "pending-order expiry failed");
      }
    }
  }
  return run;
}

/**
 * The customer cancels one of their pending orders: closed at the provider first, then marked
 * `cancelled`. If the provider took the payment meanwhile, the order is paid instead and the
 * answer says so.
 */
export async function cancelPendingOrder(customerId: number, orderNo: string, lookup: Lookup = paymentProvider): Promise<{ status: "cancelled" | "paid" }> {
  const [row] = await db
    .select({ provider: orders.provider, status: orders.status })
    .from(orders)
    .where(and(eq(orders.orderNo, orderNo), eq(orders.customerId, customerId)));
  if (!row) throw new DomainError("not_found", "order.notFound");
  if (row.status !== "pending") throw new DomainError("conflict", "payment.cannotCancel", undefined, { orderNo });
  const closed = await closeAtProvider(orderNo, row.provider, lookup).catch((e: unknown) => {
    if (e instanceof ProviderUnavailableError) throw new DomainError("unavailable", "payment.providerUnavailable");
    throw e;
  });
  if (closed === "paid") return { status: "paid" };
  const marked = await closePending(orderNo, "cancelled");
  if ((marked.rowCount ?? 0) === 0) throw new DomainError("conflict", "payment.cannotCancel", undefined, { orderNo });
  return { status: "cancelled" };
}
