import { json, withAuth } from "@/lib/http/route";
import { warnExpiringPoints } from "@/lib/points/expiry-warning";

export const maxDuration = 60;

/**
 * Warns customers of points that expire within the next days, cron secret only (lib/points/
 * expiry-warning.ts). Daily; a customer is told once per day of expiry however often it runs.
 */
const handler = withAuth({ allow: ["cron-secret"] }, async () => json({ job: "points-warnings", ...(await warnExpiringPoints()) }));

export const POST = handler;
/** Vercel Cron calls GET (with the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
