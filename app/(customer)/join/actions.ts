"use server";

import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { acceptInvite, inviteCodeSchema } from "@/lib/merchants/staff";

/** Accepts a cashier invitation with the signed-in person's own account. */
export const acceptStaffInviteAction = validatedAction(z.object({ code: inviteCodeSchema }), "any", async ({ code }, { viewer }) => {
  const joined = await inTransaction((tx) => acceptInvite(tx, { userId: viewer.userId, code }));
  return { storeName: joined.storeName };
});
