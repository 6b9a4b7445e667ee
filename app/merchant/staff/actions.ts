"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { approvedMerchantOf } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { idParam } from "@/lib/http/params";
import { createInvite, formatInviteCode, revokeStaff, withdrawInvite } from "@/lib/merchants/staff";

const PATH = "/merchant/staff";

/** A one-time invitation for a cashier of the owner's store: the code and link are in the result, once. */
export const createStaffInviteAction = validatedAction(z.object({}), "merchant", async (_input, { viewer }) => {
  const merchant = await approvedMerchantOf(viewer.userId);
  const invite = await inTransaction((tx) => createInvite(tx, { merchantId: merchant.id, ownerUserId: viewer.userId }));
  revalidatePath(PATH);
  const base = env.PUBLIC_URL ?? "";
  return { code: formatInviteCode(invite.code), link: `${base}/join?code=${invite.code}`, expiresAt: invite.expiresAt.toISOString() };
});

/** Ends one of the store's cashiers' access at once. */
export const revokeStaffAction = validatedAction(z.object({ staffId: idParam("staff.notFound") }), "merchant", async ({ staffId }, { viewer }) => {
  const merchant = await approvedMerchantOf(viewer.userId);
  await inTransaction((tx) => revokeStaff(tx, { merchantId: merchant.id, ownerUserId: viewer.userId, staffId }));
  revalidatePath(PATH);
});

/** Withdraws an invitation nobody has used yet. */
export const withdrawStaffInviteAction = validatedAction(z.object({ inviteId: idParam("staff.inviteNotFound") }), "merchant", async ({ inviteId }, { viewer }) => {
  const merchant = await approvedMerchantOf(viewer.userId);
  await inTransaction((tx) => withdrawInvite(tx, { merchantId: merchant.id, ownerUserId: viewer.userId, inviteId }));
  revalidatePath(PATH);
});
