"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { adjustPoints, ADJUST_REASON_MAX } from "@/lib/points/adjust";
import { idParam } from "@/lib/http/params";

const adjustSchema = z.object({
  userId: idParam("adjust.findCustomer"),
  points: z
    .string()
    .trim()
    .regex(/^[+-]?\d{1,7}$/, "adjust.pointsFormat")
    .transform((s) => Number(s)),
  // Length is checked by the domain (3..200 after trimming); this only bounds what is read.
  reason: z.string().max(ADJUST_REASON_MAX * 4, "adjust.reasonTooLong"),
  requestKey: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "adjust.reload"),
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
