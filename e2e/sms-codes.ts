import { createHmac } from "node:crypto";
import { expect } from "@playwright/test";
import { scalar } from "./matrix";
import { AUTH_SECRET } from "./test-env";

/**
 * The SMS code last sent to `phone` for `purpose`, found from its stored HMAC by trying every
 * 6-digit code with the test server's AUTH_SECRET: the app needs no test hook, and a code is never
 * stored in the clear.
 */
export async function codeSentTo(phone: string, purpose: "register" | "reset"): Promise<string> {
  const hash = await scalar<string>("select code_hash from sms_codes where phone = $1 and purpose = $2 and consumed_at is null order by id desc limit 1", [phone, purpose]);
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  for (let n = 0; n < 1_000_000; n++) {
    const code = String(n).padStart(6, "0");
    if (createHmac("sha256", AUTH_SECRET).update(`${purpose}:${phone}:${code}`).digest("hex") === hash) return code;
  }
  throw new Error(`no code matches the one sent to ${phone}`);
}
