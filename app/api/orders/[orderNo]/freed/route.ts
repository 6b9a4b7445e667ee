import { z } from "zod";
import { withAuth } from "@/lib/http/route";
import { freedByPayment } from "@/lib/orders/freed";
import { customerOrder } from "@/lib/orders/view";

const params = z.object({ orderNo: z.string().regex(/^[0-9A-Za-z-]{1,40}$/, "order.notFound") });
const query = z.object({}).strict();

/**
 * The entries the signed-in customer's order freed, for its result page: the drain after a payment
 * may finish after the page rendered, so the page asks until the answer is settled. Only the
 * customer's own order (another's is not found); other customers' entries come as a count and sum.
 */
export const GET = withAuth<{ orderNo: string }>({ allow: ["customer-session", "merchant-session", "operator-session"] }, async (req, ctx) => {
  const { orderNo } = params.parse(ctx.params);
  query.parse(Object.fromEntries(req.nextUrl.searchParams));
  const order = await customerOrder(ctx.viewer!.userId, orderNo);
  const freed = await freedByPayment(ctx.viewer!.userId, order.id);
  return Response.json(freed, { headers: { "Cache-Control": "no-store" } });
});
