import type { NextRequest } from "next/server";
import { z } from "zod";
import { unavailableReason } from "@/db/errors";
import { withAuth } from "@/lib/http/route";
import { metrics, providerLabel, type WebhookFailure } from "@/lib/observability/metrics";
import { acceptNotification } from "@/lib/orders/notification";
import { notifyingProvider } from "@/lib/payments";

const params = z.object({ provider: z.string().regex(/^[a-z0-9-]{1,20}$/) });

// Authentication here is the provider's signature, checked by acceptNotification before anything
// runs. The drain a payment makes due is a durable job added in the payment's own transaction
// (lib/orders/pay.ts), so nothing is left to do after the answer.
export const POST = withAuth<{ provider: string }>({ allow: ["public"] }, async (req: NextRequest, ctx) => {
  const provider = notifyingProvider(params.parse(ctx.params).provider);
  const failed = (reason: WebhookFailure) => metrics().webhookFailures.inc({ provider: providerLabel(provider.id), reason });
  try {
    const { reply } = await acceptNotification(provider, await req.text(), req.headers);
    if (reply.status >= 400) failed(reply.status === 503 ? "unavailable" : "refused");
    return reply;
  } catch (e) {
    failed(unavailableReason(e) ? "unavailable" : "internal");
    throw e;
  }
});
