import "server-only";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { env } from "@/lib/env";
import { RateLimitError } from "@/lib/errors";

const WINDOW_SECONDS = 60;

/**
 * Refuses a customer's order when they already placed `ORDER_RATE_PER_MINUTE` in the last minute
 * (429 with when to retry). The checkout calls it first in the order's transaction, so nothing is
 * written when it refuses. A person never orders that fast; a runaway script or a stuck retry loop
 * does. (The domain function createPendingOrder itself stays unlimited: tests, the seed and the
 * benchmark place many orders for one customer.)
 *
 * One bounded read on orders_customer_created_idx, with no lock: a burst of orders from one
 * customer that are all in flight at the same moment can each see the same count and pass the
 * limit together, by at most the number in flight. That is the price of not serialising every
 * customer's orders on a lock, and is enough against floods.
 */
export async function checkOrderRate(
  tx: Tx,
  customerId: number,
  idempotencyKey: string,
  limit = env.ORDER_RATE_PER_MINUTE,
): Promise<void> {
  const res = await tx.execute(sql`
    select ceil(extract(epoch from (min(created_at) + make_interval(secs => ${WINDOW_SECONDS}) - now())))::int as retry_after
    from (
      select created_at from orders
      where customer_id = ${customerId} and created_at > now() - make_interval(secs => ${WINDOW_SECONDS})
      order by created_at desc
      limit ${limit}
    ) recent
    having count(*) >= ${limit}
      -- A retry of an order already placed is answered with that order (idempotency), limit or not.
      and not exists (select 1 from orders where customer_id = ${customerId} and idempotency_key = ${idempotencyKey})`);
  const retryAfter = mapFirst(res, (r) => r.intOrNull("retry_after"));
  if (retryAfter === undefined) return;
  const seconds = Math.max(1, retryAfter ?? WINDOW_SECONDS);
  throw new RateLimitError("order.tooMany", seconds, undefined, { limit, seconds });
}
