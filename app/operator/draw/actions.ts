"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { runDraw } from "@/lib/queue/draw";
import { drawHistory } from "@/lib/queue/draw-view";
import { drainQueue } from "@/lib/queue/drain";
import { idParam } from "@/lib/http/params";
import { log } from "@/lib/observability/log";

const drawSchema = z.object({
  queueId: idParam("operator.invalidQueue"),
  reason: z.string().trim().max(200, { error: "draw.noteTooLong" }).optional(),
});

export type DrawOutcome = {
  drawId: number;
  queueName: string;
  position: number;
  storeName: string;
  customerName: string;
  orderNo: string;
  amountFen: number;
  candidates: number;
  randomHex: string;
  chosenIndex: number;
};

/** Runs one lucky draw on a queue (audited inside the same transaction), then any drain it made due. */
export const runDrawAction = validatedAction(drawSchema, "operator", async ({ queueId, reason }, { viewer }): Promise<DrawOutcome> => {
  const r = await inTransaction((tx) => runDraw(tx, { queueId, operatorId: viewer.userId, reason: reason || null }));
  if (r.drainDue) {
    // The draw stands on its own; the sweep drains the queue later if this fails.
    await drainQueue(queueId).catch((e: unknown) => log.error({ queueId, drawId: r.drawId, err: e }, "drain after a draw failed"));
  }
  revalidatePath("/operator/draw");
  const line = (await drawHistory({ drawId: r.drawId }))[0];
  if (!line) throw new Error(`draw ${r.drawId} not found after commit`);
  return {
    drawId: line.drawId,
    queueName: line.queueName,
    position: line.position,
    storeName: line.storeName,
    customerName: line.customerName,
    orderNo: line.orderNo,
    amountFen: line.amountFen,
    candidates: line.candidates,
    randomHex: line.randomHex,
    chosenIndex: line.chosenIndex,
  };
});
