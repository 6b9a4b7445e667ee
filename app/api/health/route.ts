import { sql } from "drizzle-orm";
import { db } from "@/db";
import { withAuth } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers and the start script. */
export const GET = withAuth({ allow: ["public"] }, async () => {
  try {
    await db.execute(sql`select 1`);
    return { ok: true, db: "up" };
  } catch {
    return Response.json({ ok: false, db: "down" }, { status: 503, headers: { "Retry-After": "5" } });
  }
});
