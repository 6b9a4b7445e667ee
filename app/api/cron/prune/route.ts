import { db } from "@/db";
import { pruneSmsCodes } from "@/lib/auth/sms-code";
import { pruneThrottles } from "@/lib/auth/throttle";
import { json, withAuth } from "@/lib/http/route";

/**
 * Housekeeping, cron secret only: deletes login-throttle buckets that no longer hold anything
 * (lib/auth/throttle.ts, pruneThrottles) and SMS codes dead for a day (lib/auth/sms-code.ts). Hourly; safe to call at any time and any number of times.
 */
const handler = withAuth({ allow: ["cron-secret"] }, async () => {
  const throttles = await pruneThrottles(db);
  const smsCodes = await pruneSmsCodes(db);
  return json({ job: "prune", throttles, smsCodes });
});

export const POST = handler;
/** GET too, for a caller that can only GET (the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
