import { json, withAuth } from "@/lib/http/route";
import { sweepReadyQueues } from "@/lib/queue/sweep";

export const maxDuration = 60;

/**
 * The safety-net sweep, cron secret only: drains every `auto` queue whose pool covers its head
 * (a drain after a payment may have been lost to a crash). 200 with the counts; 500 when a queue
 * failed (the others are still drained).
 */
const handler = withAuth({ allow: ["cron-secret"] }, async () => {
  const out = { job: "sweep", ...(await sweepReadyQueues()) };
  return json(out, { status: out.failed > 0 ? 500 : 200 });
});

export const POST = handler;
/** Vercel Cron calls GET (with the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
