import { inTransaction } from "@/db/transaction";
import { bindAlipayAccount } from "@/lib/wallet/payout-accounts";

/** Binds an Alipay payout account for a test customer (a fresh phone-number account) and returns its id. */
export async function bindTestAlipay(userId: number, alipayAccount = `139${String(userId).padStart(8, "0").slice(-8)}`, realName = "Zhang San"): Promise<number> {
  const bound = await inTransaction((tx) => bindAlipayAccount(tx, userId, { realName, alipayAccount }));
  return bound.id;
}
