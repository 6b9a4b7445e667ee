"use server";

import { z } from "zod";
import { signOut } from "@/auth";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { confirmPassword } from "@/lib/auth/confirm-password";
import { PASSWORD_MAX } from "@/lib/auth/password";
import { DomainError } from "@/lib/errors";
import { deleteAccount, deletionPreview } from "@/lib/privacy/deletion";

const deleteSchema = z.object({
  password: z.string().min(1, "wallet.passwordRequired").max(PASSWORD_MAX, "wallet.wrongPassword"),
  forfeit: z.literal("on").optional(),
});

/**
 * Deletes the signed-in person's own account (the id comes from the session). The password is
 * checked first (throttled like a withdrawal's); points left need the ticked warning. Open before
 * the privacy notice is agreed to: refusing a new notice and leaving is the person's right.
 */
export const deleteAccountAction = validatedAction(
  deleteSchema,
  "any",
  async (input, { viewer }) => {
    const { points } = await deletionPreview(viewer.userId);
    if (points > 0 && input.forfeit !== "on") throw new DomainError("invalid_input", "privacy.forfeitRequired", "forfeit");
    await confirmPassword(db, viewer.userId, input.password);
    await inTransaction((tx) => deleteAccount(tx, viewer.userId));
    await signOut({ redirectTo: "/privacy?deleted=1" });
  },
  { beforeConsent: true },
);
