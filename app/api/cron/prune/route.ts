import { db } from "@/db";
import { pruneThrottles } from "@/lib/auth/throttle";
import { json, withAuth } from "@/lib/http/route";

/**
 * Housekeeping, cron secret only: deletes login-throttle buckets that no longer hold anything
 * (lib/auth/throttle.ts, pruneThrottles). Hourly; safe to call at any time and any number of times.
 */
const handler = withAuth({ allow: ["cron-secret"] }, async () => {
  const throttles = await pruneThrottles(db);
  return json({ job: "prune", throttles });
});

export const POST = handler;
/** GET too, for a caller that can only GET (the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
