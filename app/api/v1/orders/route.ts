import { inTransaction } from "@/db/transaction";
import { createPosOrder, posOrderSchema } from "@/lib/api/orders";
import { apiJson, idempotencyKeyOf, methodNotAllowed, readJsonBody, withApiKey } from "@/lib/http/v1";

/** POST /api/v1/orders: an order paid at the counter, created and confirmed at once. */
export const POST = withApiKey(async (req, { key }) => {
  const idempotencyKey = idempotencyKeyOf(req);
  const input = posOrderSchema.parse(await readJsonBody(req));
  const result = await inTransaction((tx) => createPosOrder(tx, { merchantId: key.merchantId, idempotencyKey, input }));
  // A drain the payment made due was added as a durable job in its transaction (lib/orders/pay.ts).
  return apiJson(result.body, {
    status: result.status,
    headers: result.replayed ? { "Idempotent-Replayed": "true" } : undefined,
  });
});

const notAllowed = methodNotAllowed(["POST"]);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
