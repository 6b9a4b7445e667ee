import { after, type NextRequest } from "next/server";
import { z } from "zod";
import { withAuth } from "@/lib/http/route";
import { paymentProvider } from "@/lib/payments";
import { applyPaymentEvent } from "@/lib/payments/webhook";
import { drainQueue } from "@/lib/queue/drain";

const params = z.object({ provider: z.string().regex(/^[a-z0-9-]{1,20}$/) });

// Authentication here is the provider's signature, checked by verifyWebhook before anything runs.
export const POST = withAuth<{ provider: string }>({ allow: ["public"] }, async (req: NextRequest, ctx) => {
  const provider = paymentProvider(params.parse(ctx.params).provider);
  const event = provider.verifyWebhook(await req.text(), req.headers);
  const paid = await applyPaymentEvent(event);
  if (paid.drainDue) {
    // Runs after the response: the payment is committed either way, and the sweep is the safety net.
    after(async () => {
      try {
        await drainQueue(paid.queueId);
      } catch (e) {
        console.error(`[drain] queue ${paid.queueId} after payment failed:`, e);
      }
    });
  }
  return { orderNo: paid.orderNo, applied: paid.applied };
});
