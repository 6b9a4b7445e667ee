import { z } from "zod";
import { db } from "@/db";
import { recordAudit } from "@/lib/audit/record";
import { idParam } from "@/lib/http/params";
import { withAuth } from "@/lib/http/route";
import { drainQueue } from "@/lib/queue/drain";

const params = z.object({ id: idParam("queue id must be a positive integer") });

/** Drains one queue. An operator's session or the cron secret; nobody else. */
export const POST = withAuth<{ id: string }>({ allow: ["operator-session", "cron-secret"] }, async (_req, ctx) => {
  const { id } = params.parse(ctx.params);
  const result = await drainQueue(id);
  if (ctx.viewer && ctx.via === "operator-session") {
    await recordAudit(db, {
      actorUserId: ctx.viewer.userId,
      action: "queue.drain",
      subjectType: "queue",
      subjectId: id,
      details: result,
    });
  }
  return { queueId: id, ...result };
});
