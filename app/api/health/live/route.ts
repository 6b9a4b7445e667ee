import { withAuth } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Liveness: the process answers. No database call, so a database outage never restarts the app. */
export const GET = withAuth({ allow: ["public"] }, () => ({ ok: true }));
