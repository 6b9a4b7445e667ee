"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { idParam } from "@/lib/http/params";
import { retryStuckJob } from "@/lib/jobs/stuck";

/** Runs a stuck job (retries exhausted) again from its first attempt. Operator only, audited. */
export const retryJobAction = validatedAction(z.object({ jobId: idParam("job.invalid") }), "operator", async (input, { viewer }) => {
  await inTransaction((tx) => retryStuckJob(tx, { jobId: input.jobId, actorUserId: viewer.userId }));
  revalidatePath("/operator/jobs");
  return { jobId: input.jobId };
});
