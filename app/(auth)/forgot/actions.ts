"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "@/lib/auth/action";
import { resetPasswordBySms } from "@/lib/auth/reset-password";
import { passwordSchema, PHONE_RE } from "@/lib/auth/users";

const resetSchema = z
  .object({
    phone: z.string().trim().regex(PHONE_RE, "sms.phone"),
    code: z.string().trim().min(1, "sms.codeRequired").max(10, "sms.codeInvalid"),
    password: passwordSchema,
    confirm: z.string().min(1, "password.confirmRequired"),
  })
  .refine((d) => d.password === d.confirm, { message: "password.mismatch", path: ["confirm"] });

/** 忘记密码: a new password for the account of the phone number, with the code sent to it. */
export const resetPasswordAction = validatedAction(resetSchema, "public", async (data) => {
  await resetPasswordBySms(data.phone, data.code, data.password);
  redirect("/login?changed=1");
});
