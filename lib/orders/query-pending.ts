import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";
import { env } from "@/lib/env";
import { paymentProvider, ProviderUnavailableError, type PaymentProvider } from "@/lib/payments";
import { expirePendingOrders, hasRemotePayment, type ExpiryRun } from "./expire-pending";
import { applyPaymentEvent } from "./notification";
import { log } from "@/lib/observability/log";

/**
 * How old a pending order is before its provider is asked whether it was paid. A notification
 * normally arrives within seconds, and a customer still on the cashier page is answered by the
 * browser's own query when they return; by 3 minutes both providers' first retries have failed too
 * (WeChat retries after 15 s, 15 s, 30 s, 3 min; Alipay after 4 min), so a payment still unrecorded
 * then is likely one whose notifications are lost. Asking earlier would query every fresh order
 * each minute for nothing; waiting for the expiry (PAYMENT_EXPIRY_MINUTES) leaves a paid customer
 * looking at a pending order for a quarter of an hour.
 */
export const PAYMENT_QUERY_AFTER_MINUTES = 3;

type Lookup = (id: string) => PaymentProvider;

export type PaymentQueryRun = { checked: number; paid: number; unavailable: number; failed: number };

/**
 * Asks the providers about pending orders a few minutes old that the expiry has not reached yet,
 * those asked least recently first, at most `limit`, one query at a time with no transaction open, and pays each the
 * provider reports paid through the same function a notification uses (so a notification, the
 * browser's query or another run racing with this one applies it once: markOrderPaid's guard).
 * A provider that does not answer is not asked again in this run (its orders wait for the next one,
 * and a run stays short when a provider is down).
 */
export async function queryPendingPayments(
  opts: { limit?: number; lookup?: Lookup; olderThanMinutes?: number; expiryMinutes?: number } = {},
): Promise<PaymentQueryRun> {
  const lookup = opts.lookup ?? paymentProvider;
  const after = opts.olderThanMinutes ?? PAYMENT_QUERY_AFTER_MINUTES;
  const expiry = opts.expiryMinutes ?? env.PAYMENT_EXPIRY_MINUTES;
  // Orders past the expiry are the expiry job's: it closes them at the provider, which answers a
  // payment taken before the close the same way. The orders asked least recently come first (never
  // asked, then oldest asked), and taking them stamps them, so with more pending orders than the
  // limit successive runs go round all of them; an order of a provider found down in this run is
  // stamped too, or that provider's orders would fill every run ahead of the others'. A run racing
  // with this one skips the rows this statement holds, so the two ask about different orders.
  const due = await db.execute(sql`
    with due as (
      select id from orders
      where status = 'pending' and provider not in ('dev', 'pos')
        and created_at < now() - make_interval(mins => ${after})
        and created_at >= now() - make_interval(mins => ${expiry})
      order by payment_checked_at asc nulls first, created_at
      limit ${opts.limit ?? 50}
      for no key update skip locked
    )
    update orders o set payment_checked_at = now() from due where o.id = due.id
    returning o.order_no, o.provider`);
  const rows = mapRows(due, (r) => ({ orderNo: r.str("order_no"), provider: r.str("provider") }));
  const run: PaymentQueryRun = { checked: 0, paid: 0, unavailable: 0, failed: 0 };
  const down = new Set<string>();
  for (const row of rows) {
    if (down.has(row.provider)) {
      run.unavailable++;
      continue;
    }
    try {
      const provider = lookup(row.provider);
      if (!hasRemotePayment(provider)) continue;
      run.checked++;
      const status = await provider.queryPayment(row.orderNo);
      if (status.state !== "paid") continue;
      const paid = await applyPaymentEvent(provider.id, status.event);
      if (paid.applied || paid.returned) {
        run.paid++;
        log.warn({ orderNo: row.orderNo, provider: provider.id }, "payment query: paid with no notification received; applied");
      }
    } catch (e) {
      if (e instanceof ProviderUnavailableError) {
        down.add(row.provider);
        run.unavailable++;
        log.warn({ orderNo: row.orderNo, err: e }, "payment query: provider unavailable");
      } else {
        run.failed++;
        log.error({ orderNo: row.orderNo, err: e }, "payment query failed");
      }
    }
  }
  return run;
}

/**
 * The every-minute run over pending orders, for the schedule and the cron route alike: first the
 * providers are asked about orders a few minutes old (a dropped notification is paid long before
 * the expiry), then the orders not paid in time are closed and expired.
 */
export async function settlePendingOrders(): Promise<ExpiryRun & { queried: PaymentQueryRun }> {
  const queried = await queryPendingPayments();
  return { ...(await expirePendingOrders()), queried };
}
