import { RETRY_AFTER_SECONDS } from "@/db/errors";
import { json, withAuth } from "@/lib/http/route";
import { settlePendingOrders } from "@/lib/orders/query-pending";

export const maxDuration = 60;

/**
 * Pending orders, cron secret only. First asks the providers about orders a few minutes old whose
 * notification has not come (a dropped notification is paid long before the expiry), then closes
 * each order not paid in time at its provider and marks it expired. 200 with the counts; 503 with
 * Retry-After when a provider did not answer (those orders stay pending for the next run); 500 when
 * one broke.
 */
const handler = withAuth({ allow: ["cron-secret"] }, async () => {
  const out = { job: "expire-orders", ...(await settlePendingOrders()) };
  if (out.failed > 0 || out.queried.failed > 0) return json(out, { status: 500 });
  if (out.unavailable > 0 || out.queried.unavailable > 0) return json(out, { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } });
  return json(out);
});

export const POST = handler;
/** GET too, for a caller that can only GET (the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
