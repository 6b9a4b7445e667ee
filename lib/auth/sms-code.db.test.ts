import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import type { SmsMessage, SmsProvider } from "@/lib/sms";
import { makeCustomer } from "@/lib/testing/fixtures";
import { verifyPassword } from "./password";
import { resetPasswordBySms } from "./reset-password";
import { checkSmsCode, consumeSmsCode, MAX_CODE_ATTEMPTS, pruneSmsCodes, sendSmsCode } from "./sms-code";

function recording() {
  const sent: SmsMessage[] = [];
  const provider: SmsProvider = {
    id: "dev",
    async send(m) {
      sent.push(m);
      return { state: "sent", providerRef: `r${sent.length}` };
    },
  };
  return { sent, provider, lastCode: () => sent.at(-1)!.params[0]! };
}

let seq = 0;
const newPhone = () => `137${String(Date.now() % 1e5).padStart(5, "0")}${String(seq++ % 1000).padStart(3, "0")}`;
const newAddress = () => `198.51.100.${(Date.now() + seq++) % 250}-${seq}`;
/** As if the last code had been sent long enough ago for another. */
const age = (phone: string) => db.execute(sql`update sms_codes set created_at = created_at - interval '2 minutes' where phone = ${phone}`);

describe("SMS codes (sign-up by phone, forgotten password)", () => {
  it("sends a 6-digit code through the provider, checks it once, and counts wrong tries until the code is dead", async () => {
    const phone = newPhone();
    const sms = recording();
    expect(await sendSmsCode({ phone, purpose: "register", address: newAddress(), provider: sms.provider })).toEqual({});
    expect(sms.sent).toEqual([{ phone, template: "verify_code", params: [expect.stringMatching(/^\d{6}$/), "5"] }]);
    const code = sms.lastCode();
    const wrong = code === "000000" ? "111111" : "000000";

    await expect(checkSmsCode(phone, "register", wrong)).rejects.toThrow("sms.codeInvalid");
    await expect(checkSmsCode(phone, "reset", code)).rejects.toThrow("sms.codeInvalid"); // another purpose
    const id = await checkSmsCode(phone, "register", code);
    await db.transaction((tx) => consumeSmsCode(tx, id));
    await expect(db.transaction((tx) => consumeSmsCode(tx, id))).rejects.toThrow("sms.codeInvalid");
    await expect(checkSmsCode(phone, "register", code)).rejects.toThrow("sms.codeInvalid");

    // A new code: five wrong tries kill it, even for the right code after them.
    await age(phone);
    await sendSmsCode({ phone, purpose: "register", address: newAddress(), provider: sms.provider });
    const next = sms.lastCode();
    const bad = next === "000000" ? "111111" : "000000";
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) await expect(checkSmsCode(phone, "register", bad)).rejects.toThrow("sms.codeInvalid");
    await expect(checkSmsCode(phone, "register", next)).rejects.toThrow("sms.codeInvalid");
  });

  it("one code a minute per number, five per 15 minutes, and a new code retires the old one", async () => {
    const phone = newPhone();
    const sms = recording();
    const address = newAddress();
    await sendSmsCode({ phone, purpose: "register", address, provider: sms.provider });
    const first = sms.lastCode();
    await expect(sendSmsCode({ phone, purpose: "register", address, provider: sms.provider })).rejects.toThrow("sms.wait");
    expect(sms.sent).toHaveLength(1);
    for (let i = 0; i < 4; i++) {
      await age(phone);
      await sendSmsCode({ phone, purpose: "register", address: newAddress(), provider: sms.provider });
    }
    expect(sms.sent).toHaveLength(5);
    if (sms.lastCode() !== first) await expect(checkSmsCode(phone, "register", first)).rejects.toThrow("sms.codeInvalid");
    await age(phone);
    await expect(sendSmsCode({ phone, purpose: "register", address: newAddress(), provider: sms.provider })).rejects.toThrow("sms.tooMany");
    expect(sms.sent).toHaveLength(5);
  });

  it("a registered number cannot get a sign-up code; an unknown number gets the same answer as a known one for a reset, and no SMS", async () => {
    const phone = newPhone();
    const user = await makeCustomer();
    await db.execute(sql`update users set phone = ${phone} where id = ${user}`);
    const sms = recording();
    await expect(sendSmsCode({ phone, purpose: "register", address: newAddress(), provider: sms.provider })).rejects.toThrow("identifier.taken");
    const unknown = newPhone();
    expect(await sendSmsCode({ phone: unknown, purpose: "reset", address: newAddress(), provider: sms.provider })).toEqual({});
    expect(sms.sent).toEqual([]);
  });

  it("a forgotten password is reset with the code: new password, every session ended, a security notification", async () => {
    const phone = newPhone();
    const user = await makeCustomer();
    await db.execute(sql`update users set phone = ${phone} where id = ${user}`);
    const before = Number((await db.execute<{ v: number }>(sql`select session_version as v from users where id = ${user}`)).rows[0]!.v);
    const sms = recording();
    await sendSmsCode({ phone, purpose: "reset", address: newAddress(), provider: sms.provider });
    await expect(resetPasswordBySms(phone, "12345", "a-brand-new-pass-2026")).rejects.toThrow("sms.codeInvalid");
    await resetPasswordBySms(phone, sms.lastCode(), "a-brand-new-pass-2026");
    const row = (await db.execute<{ h: string; v: number }>(sql`select password_hash as h, session_version as v from users where id = ${user}`)).rows[0]!;
    expect(await verifyPassword(row.h, "a-brand-new-pass-2026")).toBe(true);
    expect(Number(row.v)).toBe(before + 1);
    expect((await db.execute(sql`select 1 from notifications where user_id = ${user} and kind = 'security'`)).rows).toHaveLength(1);
    // The code worked once.
    await expect(resetPasswordBySms(phone, sms.lastCode(), "another-new-pass-2026")).rejects.toThrow("sms.codeInvalid");
  });

  it("the hourly prune deletes codes dead for a day and keeps every code that can still be used or still spaces out a resend", async () => {
    const phone = newPhone();
    // [purpose, expired how many minutes ago (negative: still good), consumed?, kept?]
    const cases: ["register" | "reset", number, boolean, boolean][] = [
      ["register", -4, false, true], // pending: can still be checked
      ["reset", -4, true, true], // used a minute ago: still spaces out the next send
      ["register", 60, false, true], // expired an hour ago
      ["reset", 23 * 60, true, true],
      ["register", 24 * 60 + 1, false, false],
      ["reset", 30 * 24 * 60, true, false],
    ];
    const ids: number[] = [];
    for (const [purpose, expiredAgo, consumed] of cases) {
      const r = await db.execute<{ id: number }>(sql`
        insert into sms_codes (phone, purpose, code_hash, expires_at, consumed_at, created_at)
        values (${phone}, ${purpose}, 'x', now() - make_interval(mins => ${expiredAgo}),
                case when ${consumed} then now() else null end, now() - make_interval(mins => ${expiredAgo + 5}))
        returning id`);
      ids.push(Number(r.rows[0]!.id));
    }
    expect(await pruneSmsCodes(db)).toBeGreaterThanOrEqual(2);
    const left = new Set((await db.execute<{ id: number }>(sql`select id from sms_codes where phone = ${phone}`)).rows.map((r) => Number(r.id)));
    cases.forEach(([, , , kept], i) => expect(left.has(ids[i]!), `case ${i}`).toBe(kept));
    // A second run leaves this number's codes alone.
    await pruneSmsCodes(db);
    expect((await db.execute(sql`select 1 from sms_codes where phone = ${phone}`)).rows).toHaveLength(4);
  });
});
