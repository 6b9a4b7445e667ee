import { z } from "@/lib/zod";

/**
 * What a customer types to bind an Alipay account. Pure (the form and the action read it). Codes
 * are message codes (messages/<locale>/errors.json, `payout.*`).
 */

/** A mainland mobile number (1 then 10 digits) … */
const PHONE = /^1[3-9]\d{9}$/;

/** The real name as on the customer's ID: Chinese names with a middle dot, or Latin letters and spaces. */
const REAL_NAME = /^(?:[\u4e00-\u9fa5]{1,15}(?:[·•][\u4e00-\u9fa5]{1,15})*|[A-Za-z][A-Za-z .'-]{0,38}[A-Za-z.])$/u;

const email = z.email().max(100);

/** … or an email address (lower-cased). Spaces typed inside a phone number are dropped. */
export const alipayAccountSchema = z
  .string()
  .trim()
  .max(100, "payout.alipayAccountInvalid")
  .transform((s) => s.replace(/\s+/g, ""))
  .refine((s) => PHONE.test(s) || email.safeParse(s).success, "payout.alipayAccountInvalid")
  .transform((s) => (PHONE.test(s) ? s : s.toLowerCase()));

export const realNameSchema = z
  .string()
  .trim()
  .min(1, "payout.realNameRequired")
  .max(40, "payout.realNameInvalid")
  .regex(REAL_NAME, "payout.realNameInvalid");

export const bindAlipaySchema = z.object({ realName: realNameSchema, alipayAccount: alipayAccountSchema });

export type BindAlipayInput = z.infer<typeof bindAlipaySchema>;
