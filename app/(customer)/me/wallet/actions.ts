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
import { idParam } from "@/lib/http/params";
import { bindAlipaySchema } from "@/lib/wallet/payout-account-input";
import { bindAlipayAccount } from "@/lib/wallet/payout-accounts";
import { requestWithdrawal } from "@/lib/wallet/withdrawals";

const requestSchema = z.object({
  amount: z.string().max(32, "amount.invalid"),
  payoutAccountId: idParam("payout.chooseAccount"),
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
  const w = await inTransaction((tx) =>
    requestWithdrawal(tx, { userId: viewer.userId, amountFen: amount.fen, payoutAccountId: input.payoutAccountId }),
  );
  revalidatePath("/me/wallet");
  return { withdrawalId: w.id, amountFen: w.amountFen, feeFen: w.feeFen };
});

/** Binds (or replaces) the signed-in user's Alipay payout account: real name and Alipay logon id. */
export const bindAlipayAction = validatedAction(bindAlipaySchema, "any", async (input, { viewer }) => {
  const bound = await inTransaction((tx) => bindAlipayAccount(tx, viewer.userId, input));
  revalidatePath("/me/wallet");
  return { account: bound.masked, payoutAccountId: bound.id };
});
