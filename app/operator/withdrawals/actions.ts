"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { idParam } from "@/lib/http/params";
import { withdrawalAccount } from "@/lib/wallet/history";
import { approveWithdrawal, REASON_MAX, rejectWithdrawal } from "@/lib/wallet/withdrawals";

const PATH = "/operator/withdrawals";

const withdrawalId = idParam("operator.invalidWithdrawal");

/**
 * Approves a requested withdrawal: a job then sends the money to the customer's bound account
 * through the provider (after this commits). Audited. Answers the account, masked, for the status line.
 */
export const approveWithdrawalAction = validatedAction(z.object({ withdrawalId }), "operator", async (input, { viewer }) => {
  const w = await inTransaction((tx) => approveWithdrawal(tx, { withdrawalId: input.withdrawalId, operatorId: viewer.userId }));
  revalidatePath(PATH);
  const account = (await withdrawalAccount(w.id)) ?? "";
  return { withdrawalId: w.id, status: w.status, amountFen: w.amountFen, account };
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
