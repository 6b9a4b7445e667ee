import { inTransaction } from "@/db/transaction";
import { noteKeyUse } from "@/lib/api/keys";
import { createPosOrder, posOrderSchema } from "@/lib/api/orders";
import { apiJson, idempotencyKeyOf, methodNotAllowed, readJsonBody, withApiKeyInStatement } from "@/lib/http/v1";

/**
 * POST /api/v1/orders: an order paid at the counter, created and confirmed at once. The API key is
 * checked by the order's first statement (withApiKeyInStatement), one round trip fewer per order.
 */
export const POST = withApiKeyInStatement(async (req, { presented }) => {
  const idempotencyKey = idempotencyKeyOf(req);
  const input = posOrderSchema.parse(await readJsonBody(req));
  const result = await inTransaction((tx) => createPosOrder(tx, { presented, idempotencyKey, input }));
  // After commit and at most once a minute per key, as verifyApiKey does.
  if (result.apiKey) await noteKeyUse(result.apiKey.id, result.apiKey.lastUsedAt);
  // A drain the payment made due was added as a durable job in its transaction (lib/orders/pay.ts).
  return apiJson(result.body, {
    status: result.status,
    headers: result.replayed ? { "Idempotent-Replayed": "true" } : undefined,
  });
});

const notAllowed = methodNotAllowed(["POST"]);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
