import { json, withAuth } from "@/lib/http/route";
import { drainQueue } from "@/lib/queue/drain";
import { readyQueues } from "@/lib/queue/ready";

export const maxDuration = 60;

/**
 * The safety-net sweep, cron secret only: drains every `auto` queue whose pool covers its head
 * (a drain after a payment may have been lost to a crash). Queues are drained one after another,
 * each under its own pool lock, so a concurrent drain or a second sweep is harmless. 200 with the
 * counts; 500 when a queue failed (the others are still drained).
 */
const handler = withAuth({ allow: ["cron-secret"] }, async () => {
  const ready = (await readyQueues()).filter((q) => q.payoutMode === "auto");
  const out = { job: "sweep", queues: ready.length, paid: 0, paidFen: 0, failed: 0 };
  for (const q of ready) {
    try {
      const r = await drainQueue(q.queueId);
      out.paid += r.paid;
      out.paidFen += r.paidFen;
    } catch (e) {
      out.failed += 1;
      console.error(`[cron] sweep: drain of queue ${q.queueId} failed:`, e);
    }
  }
  return json(out, { status: out.failed > 0 ? 500 : 200 });
});

export const POST = handler;
/** Vercel Cron calls GET (with the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
