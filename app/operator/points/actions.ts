"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { adjustPoints, ADJUST_REASON_MAX } from "@/lib/points/adjust";

const adjustSchema = z.object({
  userId: z.coerce
    .number({ error: "请先查找顾客" })
    .int({ error: "请先查找顾客" })
    .positive({ error: "请先查找顾客" })
    .max(Number.MAX_SAFE_INTEGER, { error: "请先查找顾客" }),
  points: z
    .string()
    .trim()
    .regex(/^[+-]?\d{1,7}$/, "请输入整数积分，增加如 500，扣减如 -200")
    .transform((s) => Number(s)),
  // Length is checked by the domain (3..200 after trimming); this only bounds what is read.
  reason: z.string().max(ADJUST_REASON_MAX * 4, "原因太长"),
  requestKey: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "请刷新页面后重试"),
});

/** Adds or takes a customer's available points, with a reason; operators only, audited. */
export const adjustPointsAction = validatedAction(adjustSchema, "operator", async (input, { viewer }) => {
  const r = await inTransaction((tx) =>
    adjustPoints(tx, {
      userId: input.userId,
      operatorId: viewer.userId,
      points: input.points,
      reason: input.reason,
      requestKey: input.requestKey,
    }),
  );
  revalidatePath("/operator/points");
  return { points: r.points, availableAfter: r.availableAfter, duplicate: r.duplicate };
});
