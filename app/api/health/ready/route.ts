import { RETRY_AFTER_SECONDS } from "@/db/errors";
import { db } from "@/db";
import { readiness } from "@/db/readiness";
import { withAuth } from "@/lib/http/route";
import { log } from "@/lib/observability/log";
import { shuttingDown } from "@/lib/observability/shutdown";

export const dynamic = "force-dynamic";

/**
 * Readiness, for a load balancer: 200 when the database answers and its migrations are current,
 * else 503 with Retry-After and the reason (database, migrations, shutting_down after SIGTERM).
 * The details go to the log only.
 */
export const GET = withAuth({ allow: ["public"] }, async () => {
  const r = shuttingDown() ? ({ ready: false, reason: "shutting_down", detail: "SIGTERM received" } as const) : await readiness(db);
  if (r.ready) return { ok: true };
  log.warn({ reason: r.reason, detail: r.detail }, "not ready");
  return Response.json({ ok: false, reason: r.reason }, { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS), "cache-control": "no-store" } });
});
