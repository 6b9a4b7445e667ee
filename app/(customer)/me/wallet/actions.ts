"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { PASSWORD_MAX } from "@/lib/auth/password";
import { DomainError } from "@/lib/errors";
import { parseYuan } from "@/lib/money/parse";
import { confirmPassword } from "@/lib/auth/confirm-password";
import { WITHDRAWAL_RULES } from "@/lib/wallet/rules";
import { requestWithdrawal } from "@/lib/wallet/withdrawals";

const requestSchema = z.object({
  amount: z.string().max(32, "amount.invalid"),
  password: z.string().min(1, "wallet.passwordRequired").max(PASSWORD_MAX, "wallet.wrongPassword"),
});

/**
 * Requests a withdrawal from the signed-in user's wallet (every role has one). The password is
 * re-entered and checked before anything is written; the amount is parsed from yuan at this edge.
 */
export const requestWithdrawalAction = validatedAction(requestSchema, "any", async (input, { viewer }) => {
  const amount = parseYuan(input.amount, WITHDRAWAL_RULES.maxFen);
  if (!amount.ok) throw new DomainError("invalid_input", amount.message, "amount", amount.params);
  await confirmPassword(db, viewer.userId, input.password);
  const w = await inTransaction((tx) => requestWithdrawal(tx, { userId: viewer.userId, amountFen: amount.fen }));
  revalidatePath("/me/wallet");
  return { withdrawalId: w.id, amountFen: w.amountFen, feeFen: w.feeFen };
});
