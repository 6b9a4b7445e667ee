import "server-only";
import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { and, desc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { smsCodes, users } from "@/db/schema";
import { env } from "@/lib/env";
import { DomainError, RateLimitError } from "@/lib/errors";
import { smsProvider, type SmsProvider } from "@/lib/sms";
import { UNKNOWN_ADDRESS } from "./client-address";
import { admitAttempt, type Bucket } from "./throttle";
import type { ThrottlePolicy } from "./throttle-rules";
import { log } from "@/lib/observability/log";

export type SmsCodePurpose = "register" | "reset";

const MINUTE = 60_000;
export const CODE_TTL_MINUTES = 5;
/** A new code for the same number and purpose only after this long (the page counts it down). */
export const RESEND_AFTER_SECONDS = 60;
/** Wrong tries one code takes before it is dead. */
export const MAX_CODE_ATTEMPTS = 5;

/** Codes per phone number: 5 per 15 minutes, then an hour's wait (an SMS costs money and annoys). */
const PHONE_POLICY: ThrottlePolicy = { limit: 5, windowMs: 15 * MINUTE, lockMs: 60 * MINUTE, maxLockMs: 120 * MINUTE, forgetMs: 24 * 60 * MINUTE };
/** Codes per client address (a trusted proxy names it). */
const ADDRESS_POLICY: ThrottlePolicy = { limit: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE, maxLockMs: 120 * MINUTE, forgetMs: 24 * 60 * MINUTE };
/** Codes from every unknown address together: a ceiling on what one client can make us send. */
const GLOBAL_POLICY: ThrottlePolicy = { limit: 60, windowMs: MINUTE, lockMs: MINUTE, maxLockMs: 5 * MINUTE, forgetMs: 60 * MINUTE };

function smsBuckets(phone: string, address: string): Bucket[] {
  return [
    { key: `sms-phone:${phone}`, policy: PHONE_POLICY, onSuccess: "keep" },
    address === UNKNOWN_ADDRESS
      ? { key: "global:sms", policy: GLOBAL_POLICY, onSuccess: "keep" }
      : { key: `sms-address:${address}`.slice(0, 200), policy: ADDRESS_POLICY, onSuccess: "keep" },
  ];
}

/** Only an HMAC is stored: a database reader cannot use a pending code. */
function codeHash(purpose: SmsCodePurpose, phone: string, code: string): string {
  return createHmac("sha256", env.AUTH_SECRET).update(`${purpose}:${phone}:${code}`).digest("hex");
}

async function refuseIfTooSoon(conn: Db | Tx, phone: string, purpose: SmsCodePurpose): Promise<void> {
  const [last] = await conn
    .select({ wait: sql<number>`ceil(${RESEND_AFTER_SECONDS} - extract(epoch from now() - ${smsCodes.createdAt}))::int` })
    .from(smsCodes)
    .where(and(eq(smsCodes.phone, phone), eq(smsCodes.purpose, purpose)))
    .orderBy(desc(smsCodes.id))
    .limit(1);
  const wait = last?.wait ?? 0;
  if (wait > 0) throw new RateLimitError("sms.wait", wait, "phone", { seconds: wait });
}

export type SentCode = {
  /** The code itself, only where the page may show it: development with the `dev` provider. */
  devCode?: string;
};

/**
 * Sends a 6-digit code to a mainland number, throttled per number and per client address, at most
 * one per `RESEND_AFTER_SECONDS`. The code is stored (as an HMAC) and committed before the SMS is
 * sent, outside any transaction. For "reset", a number with no account gets the same answer and no
 * SMS, so the form does not tell who is registered. For "register", a number already registered is
 * refused before anything is sent.
 */
export async function sendSmsCode(args: { phone: string; purpose: SmsCodePurpose; address: string; provider?: SmsProvider }): Promise<SentCode> {
  const { phone, purpose } = args;
  const registered = (await db.select({ id: users.id }).from(users).where(eq(users.phone, phone)).limit(1)).length > 0;
  if (purpose === "register" && registered) throw new DomainError("conflict", "identifier.taken", "identifier");
  // Too early for another code: said before the throttle counts it, so a second click costs nothing.
  await refuseIfTooSoon(db, phone, purpose);
  await admitAttempt(db, smsBuckets(phone, args.address), "phone", "sms.tooMany");

  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const created = await db.transaction(async (tx) => {
    // One at a time per number and purpose, so two quick clicks cannot both pass the spacing check.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sms:${purpose}:${phone}`}))`);
    await refuseIfTooSoon(tx, phone, purpose);
    if (purpose === "reset" && !registered) return false;
    await tx
      .update(smsCodes)
      .set({ consumedAt: sql`now()` })
      .where(and(eq(smsCodes.phone, phone), eq(smsCodes.purpose, purpose), isNull(smsCodes.consumedAt)));
    await tx.insert(smsCodes).values({
      phone,
      purpose,
      codeHash: codeHash(purpose, phone, code),
      expiresAt: sql`now() + make_interval(mins => ${CODE_TTL_MINUTES})`,
    });
    return true;
  });
  if (!created) return {};
  const provider = args.provider ?? smsProvider();
  let result;
  try {
    result = await provider.send({ phone, template: "verify_code", params: [code, String(CODE_TTL_MINUTES)] });
  } catch (e) {
    log.error({ err: e, purpose }, "sms: sending a code failed");
    throw new DomainError("unavailable", "sms.sendFailed", "phone");
  }
  if (result.state !== "sent") {
    log.error({ purpose, reason: result.state === "refused" ? result.reason : "no template id for verify_code" }, "sms: a code was not sent");
    throw new DomainError("unavailable", "sms.sendFailed", "phone");
  }
  return env.NODE_ENV === "development" && provider.id === "dev" ? { devCode: code } : {};
}

/**
 * Checks a code typed for a number and purpose. A wrong one counts against the code (committed,
 * whatever the caller does next); the fifth wrong try kills it. Returns the code's id, to be
 * consumed with `consumeSmsCode` in the transaction that acts on it.
 */
export async function checkSmsCode(phone: string, purpose: SmsCodePurpose, code: string): Promise<number> {
  const bad = () => new DomainError("invalid_input", "sms.codeInvalid", "code");
  if (!/^\d{6}$/.test(code)) throw bad();
  const outcome = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: smsCodes.id, codeHash: smsCodes.codeHash, attempts: smsCodes.attempts })
      .from(smsCodes)
      .where(and(eq(smsCodes.phone, phone), eq(smsCodes.purpose, purpose), isNull(smsCodes.consumedAt), gt(smsCodes.expiresAt, sql`now()`)))
      .orderBy(desc(smsCodes.id))
      .limit(1)
      .for("update");
    if (!row || row.attempts >= MAX_CODE_ATTEMPTS) return null;
    const want = Buffer.from(row.codeHash, "hex");
    const got = Buffer.from(codeHash(purpose, phone, code), "hex");
    if (want.length === got.length && timingSafeEqual(want, got)) return row.id;
    await tx
      .update(smsCodes)
      .set({ attempts: sql`${smsCodes.attempts} + 1` })
      .where(eq(smsCodes.id, row.id));
    return null;
  });
  if (outcome === null) throw bad();
  return outcome;
}

/** Uses a checked code up, in the transaction that acts on it: a code works once. */
export async function consumeSmsCode(tx: Tx, codeId: number): Promise<void> {
  const r = await tx
    .update(smsCodes)
    .set({ consumedAt: sql`now()` })
    .where(and(eq(smsCodes.id, codeId), isNull(smsCodes.consumedAt), gt(smsCodes.expiresAt, sql`now()`)));
  if ((r.rowCount ?? 0) !== 1) throw new DomainError("invalid_input", "sms.codeInvalid", "code");
}

/**
 * How long a dead code is kept after it stops working: long enough to answer "why did my code
 * fail" from the table, short enough that the table holds about a day of codes.
 */
export const SMS_CODE_KEEP_MS = 24 * 60 * MINUTE;

/**
 * Deletes codes that expired more than `SMS_CODE_KEEP_MS` ago. Such a code can no longer be
 * checked (expired), consumed, or space out a resend (that looks at codes of the last
 * `RESEND_AFTER_SECONDS`), so nothing reads it any more. Run hourly with the throttle prune.
 */
export async function pruneSmsCodes(conn: Db | Tx): Promise<number> {
  const res = await conn.delete(smsCodes).where(lte(smsCodes.expiresAt, sql`now() - make_interval(secs => ${SMS_CODE_KEEP_MS / 1000})`));
  return res.rowCount ?? 0;
}
