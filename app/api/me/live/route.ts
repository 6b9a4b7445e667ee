import { z } from "zod";
import { customerLive } from "@/lib/customers/live";
import { withAuth } from "@/lib/http/route";

// The live /me view's poll takes no input: any query string is a mistake, refused.
const query = z.object({}).strict();

/** The signed-in user's own queue entries and wallet, for the live /me view. Sessions only; the id comes from the session. */
export const GET = withAuth({ allow: ["customer-session", "merchant-session", "operator-session"] }, async (req, ctx) => {
  query.parse(Object.fromEntries(req.nextUrl.searchParams));
  const live = await customerLive(ctx.viewer!.userId);
  return Response.json(live, { headers: { "Cache-Control": "no-store" } });
});
