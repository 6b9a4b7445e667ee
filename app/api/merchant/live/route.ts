import { z } from "zod";
import { storeOf } from "@/lib/auth/session";
import { withAuth } from "@/lib/http/route";
import { storeLive } from "@/lib/merchants/live";

// The console's poll takes no input: the store comes from the session.
const query = z.object({}).strict();

/** The live figures of the store the caller works at (its owner or a cashier); 403 for anyone else. */
export const GET = withAuth({ allow: ["customer-session", "merchant-session"] }, async (req, ctx) => {
  query.parse(Object.fromEntries(req.nextUrl.searchParams));
  const { merchant } = await storeOf(ctx.viewer!);
  const live = await storeLive(merchant.id, merchant.queueId!);
  return Response.json(live, { headers: { "Cache-Control": "no-store" } });
});
