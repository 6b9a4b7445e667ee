"use server";

import { z } from "zod";
import { signOut } from "@/auth";
import { db } from "@/db";
import { validatedAction } from "@/lib/auth/action";
import { changePassword } from "@/lib/auth/change-password";
import { PASSWORD_MAX } from "@/lib/auth/password";
import { passwordSchema } from "@/lib/auth/users";

const changeSchema = z
  .object({
    password: z.string().min(1, "wallet.passwordRequired").max(PASSWORD_MAX, "wallet.wrongPassword"),
    newPassword: passwordSchema,
    confirm: z.string().min(1, "password.confirmRequired"),
  })
  .refine((d) => d.newPassword === d.confirm, { message: "password.mismatch", path: ["confirm"] });

/**
 * Changes the signed-in user's password (any role), then signs this browser out too: every session
 * ended with the change, so the user signs in again with the new password, told why on the login page.
 */
export const changePasswordAction = validatedAction(changeSchema, "any", async (input, { viewer }) => {
  await changePassword(db, viewer.userId, input.password, input.newPassword);
  await signOut({ redirectTo: "/login?changed=1" });
  return {};
});
