import { RETRY_AFTER_SECONDS } from "@/db/errors";
import { json, withAuth } from "@/lib/http/route";
import { sweepReadyQueues } from "@/lib/queue/sweep";

export const maxDuration = 60;

/**
 * The safety-net sweep, cron secret only: drains every `auto` queue whose pool covers its head
 * (a drain after a payment may have been lost to a crash). 200 with the counts; 500 when a queue's
 * drain broke; 503 with Retry-After when one could not reach the database (the others are still
 * drained either way).
 */
const handler = withAuth({ allow: ["cron-secret"] }, async () => {
  const out = { job: "sweep", ...(await sweepReadyQueues()) };
  if (out.failed > 0) return json(out, { status: 500 });
  if (out.unavailable > 0) return json(out, { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } });
  return json(out);
});

export const POST = handler;
/** GET too, for a caller that can only GET (the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
