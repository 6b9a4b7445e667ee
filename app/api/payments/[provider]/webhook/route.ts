import { after, type NextRequest } from "next/server";
import { z } from "zod";
import { withAuth } from "@/lib/http/route";
import { acceptNotification } from "@/lib/orders/notification";
import { notifyingProvider } from "@/lib/payments";
import { drainQueue } from "@/lib/queue/drain";

const params = z.object({ provider: z.string().regex(/^[a-z0-9-]{1,20}$/) });

// Authentication here is the provider's signature, checked by acceptNotification before anything runs.
export const POST = withAuth<{ provider: string }>({ allow: ["public"] }, async (req: NextRequest, ctx) => {
  const provider = notifyingProvider(params.parse(ctx.params).provider);
  const { reply, paid } = await acceptNotification(provider, await req.text(), req.headers);
  if (paid?.drainDue) {
    // Runs after the response: the payment is committed either way, and the sweep is the safety net.
    after(async () => {
      try {
        await drainQueue(paid.queueId);
      } catch (e) {
        console.error(`[drain] queue ${paid.queueId} after payment failed:`, e);
      }
    });
  }
  return reply;
});
