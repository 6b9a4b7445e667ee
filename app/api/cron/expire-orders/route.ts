import { RETRY_AFTER_SECONDS } from "@/db/errors";
import { json, withAuth } from "@/lib/http/route";
import { expirePendingOrders } from "@/lib/orders/expire-pending";

export const maxDuration = 60;

/**
 * Pending orders not paid in time, cron secret only: closes each at its provider, then marks it
 * expired. 200 with the counts; 503 with Retry-After when a provider did not answer (those orders
 * stay pending for the next run); 500 when one broke.
 */
const handler = withAuth({ allow: ["cron-secret"] }, async () => {
  const out = { job: "expire-orders", ...(await expirePendingOrders()) };
  if (out.failed > 0) return json(out, { status: 500 });
  if (out.unavailable > 0) return json(out, { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } });
  return json(out);
});

export const POST = handler;
/** GET too, for a caller that can only GET (the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
