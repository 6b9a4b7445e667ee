import { Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLogger, withLogContext } from "./log";
import { REDACTED, redact, redactText } from "./redact";

/** A logger whose lines are collected, parsed, for the assertions. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const logger = createLogger(stream, "info");
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRETS = {
  password: "hunter2-Correct-Horse",
  token: "tok_9f8e7d6c5b4a39281706",
  apiKey: "fl_live_ABCDEFGHIJKLMNOPqrstuvwx",
  privateKey: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
  phone: "13800138000",
};

describe("log redaction: secrets and personal data never reach a log line", () => {
  it("drops the values of secret and personal fields at any depth, and masks them inside text", () => {
    const { logger, lines, parsed } = capture();
    withLogContext({ requestId: "req-12345678", userId: 7 }, () => {
      logger.info(
        {
          user: { phone: SECRETS.phone, name: "Li Lei", credentials: { password: SECRETS.password } },
          headers: { authorization: `Bearer ${SECRETS.token}`, cookie: "authjs.session-token=abc", "x-api-key": SECRETS.apiKey },
          body: `username=demo&password=${SECRETS.password}&phone=${SECRETS.phone}`,
          config: { WECHATPAY_PRIVATE_KEY: SECRETS.privateKey, CRON_SECRET: "dev-only-cron-secret-change-me" },
          note: `customer +86 138-0013-8000 paid with key ${SECRETS.apiKey}`,
          accessToken: SECRETS.token,
        },
        `login by ${SECRETS.phone} with Bearer ${SECRETS.token}`,
      );
      logger.error({ err: new Error(`duplicate phone ${SECRETS.phone}: password ${SECRETS.password} rejected, token=${SECRETS.token}`) }, "register failed");
    });
    const text = lines.join("\n");
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(text, `${name} leaked`).not.toContain(secret);
    }
    expect(text).not.toContain("0013-8000");
    expect(text).not.toContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
    expect(text).not.toContain("dev-only-cron-secret");

    const [info, error] = parsed();
    // What is kept: the context, non-secret fields, enough of a phone to tell two apart.
    expect(info).toMatchObject({ level: "info", requestId: "req-12345678", userId: 7, user: { name: "Li Lei", phone: REDACTED } });
    expect(info!.msg).toBe(`login by 138****8000 with Bearer ${REDACTED}`);
    expect(info!.note).toContain("138****8000");
    // Errors keep their stack (for the log only), redacted like the rest.
    const err = error!.err as { message: string; stack: string };
    expect(err.stack).toMatch(/register|redact\.test/);
    expect(err.message).toContain("138****8000");
  });

  it("masks every mainland mobile number wherever it sits in text", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("13", "14", "15", "16", "17", "18", "19"),
        fc.stringMatching(/^\d{9}$/),
        fc.constantFrom("", "+86", "0086", "+86 "),
        fc.string({ maxLength: 20 }).map((s) => s.replace(/\d/g, "")),
        (prefix, rest, cc, around) => {
          const phone = `${prefix}${rest}`;
          const out = redactText(`${around}${cc}${phone}${around}`);
          expect(out).not.toContain(phone);
          expect(out).toContain(`${phone.slice(0, 3)}****${phone.slice(7)}`);
        },
      ),
    );
  });

  it("leaves ordinary fields alone and survives cycles", () => {
    const a: Record<string, unknown> = { orderNo: "FL2026120700001", cashFen: 1234, queueId: 3, passed: true };
    a.self = a;
    expect(redact(a)).toEqual({ orderNo: "FL2026120700001", cashFen: 1234, queueId: 3, passed: true, self: "[circular]" });
  });
});
