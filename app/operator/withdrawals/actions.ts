"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { idParam } from "@/lib/http/params";
import { approveWithdrawal, REASON_MAX, rejectWithdrawal } from "@/lib/wallet/withdrawals";

const PATH = "/operator/withdrawals";

const withdrawalId = idParam("operator.invalidWithdrawal");

/** Marks a requested withdrawal paid (the money goes out through the payment rails). Audited. */
export const approveWithdrawalAction = validatedAction(z.object({ withdrawalId }), "operator", async (input, { viewer }) => {
  const w = await inTransaction((tx) => approveWithdrawal(tx, { withdrawalId: input.withdrawalId, operatorId: viewer.userId }));
  revalidatePath(PATH);
  return { withdrawalId: w.id, status: w.status, amountFen: w.amountFen };
});

/** Rejects a requested withdrawal with a reason; the money returns to the customer's wallet. Audited. */
export const rejectWithdrawalAction = validatedAction(
  // Length is checked by the domain (3..200 after trimming); this only bounds what is read.
  z.object({ withdrawalId, reason: z.string().max(REASON_MAX * 4, "operator.reasonTooLong") }),
  "operator",
  async (input, { viewer }) => {
    const w = await inTransaction((tx) =>
      rejectWithdrawal(tx, { withdrawalId: input.withdrawalId, operatorId: viewer.userId, reason: input.reason }),
    );
    revalidatePath(PATH);
    return { withdrawalId: w.id, status: w.status, amountFen: w.amountFen };
  },
);
