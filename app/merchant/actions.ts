"use server";

import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { approvedMerchantOf } from "@/lib/auth/session";
import { setNewOrderRing } from "@/lib/merchants/ring";

const ringSchema = z.object({ ring: z.enum(["on", "off"], { error: "merchant.ringInvalid" }) });

/**
 * The owner turns the new-order ring on or off for all the store's consoles. "merchant" access: the
 * owner's role, so a cashier (a customer with store access) is refused; the store comes from the session.
 */
export const setNewOrderRingAction = validatedAction(ringSchema, "merchant", async ({ ring }, { viewer }) => {
  const merchant = await approvedMerchantOf(viewer.userId);
  const { changed } = await inTransaction((tx) => setNewOrderRing(tx, { merchantId: merchant.id, ownerUserId: viewer.userId, on: ring === "on" }));
  return { changed };
});
