import { z } from "zod";
import { idParam } from "@/lib/http/params";
import { withAuth } from "@/lib/http/route";
import { queueGauge } from "@/lib/merchants/store";

const params = z.object({ id: idParam("queue id must be a positive integer") });
const query = z.object({}).strict();

/**
 * A queue's pool gauge for the store page's live view: public totals (pool, head target, waiting
 * count and sum), the same figures the store page prints for anyone; no customer's entries.
 */
export const GET = withAuth<{ id: string }>({ allow: ["public"] }, async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  query.parse(Object.fromEntries(req.nextUrl.searchParams));
  const gauge = await queueGauge(id);
  return Response.json(gauge, { headers: { "Cache-Control": "no-store" } });
});
