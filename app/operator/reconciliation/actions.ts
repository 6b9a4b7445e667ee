"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { dayField, providerField } from "@/lib/reconcile/filter";
import { rerunDay } from "@/lib/reconcile/run";

/** Re-runs a provider's day (after the operator confirmed): a job replaces that day's result. Operator only, audited. */
export const rerunDayAction = validatedAction(z.object({ provider: providerField, day: dayField }), "operator", async (input, { viewer }) => {
  await inTransaction((tx) => rerunDay(tx, { provider: input.provider, day: input.day, actorUserId: viewer.userId }));
  revalidatePath("/operator/reconciliation");
  return { provider: input.provider, day: input.day };
});
