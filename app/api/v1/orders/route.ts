import { after } from "next/server";
import { inTransaction } from "@/db/transaction";
import { createPosOrder, posOrderSchema } from "@/lib/api/orders";
import { apiJson, idempotencyKeyOf, methodNotAllowed, readJsonBody, withApiKey } from "@/lib/http/v1";
import { drainQueue } from "@/lib/queue/drain";

/** POST /api/v1/orders: an order paid at the counter, created and confirmed at once. */
export const POST = withApiKey(async (req, { key }) => {
  const idempotencyKey = idempotencyKeyOf(req);
  const input = posOrderSchema.parse(await readJsonBody(req));
  const result = await inTransaction((tx) => createPosOrder(tx, { merchantId: key.merchantId, idempotencyKey, input }));
  const queueId = result.drainQueueId;
  if (queueId !== null) {
    // After the response: the payment is committed either way, and the sweep is the safety net.
    after(async () => {
      try {
        await drainQueue(queueId);
      } catch (e) {
        console.error(`[drain] queue ${queueId} after POS order failed:`, e);
      }
    });
  }
  return apiJson(result.body, {
    status: result.status,
    headers: result.replayed ? { "Idempotent-Replayed": "true" } : undefined,
  });
});

const notAllowed = methodNotAllowed(["POST"]);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
