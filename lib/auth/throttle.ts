import "server-only";
import { inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { authThrottles } from "@/db/schema";
import { RateLimitError } from "@/lib/errors";
import { admit, freshState, minutesUntil, type ThrottlePolicy, type ThrottleState } from "./throttle-rules";

const MINUTE = 60_000;

/** Per login name: 5 wrong passwords per 15 minutes, then 15 minutes' lockout, doubling up to 2 hours. */
export const ACCOUNT_POLICY: ThrottlePolicy = { limit: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE, maxLockMs: 120 * MINUTE, forgetMs: 24 * 60 * MINUTE };
/**
 * Per client address: higher, because offices and mobile carriers put many people behind one
 * address; it stops one address from trying many names.
 */
export const ADDRESS_POLICY: ThrottlePolicy = { limit: 50, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE, maxLockMs: 120 * MINUTE, forgetMs: 24 * 60 * MINUTE };
/** The password re-entered to confirm a withdrawal: the same as for logins. */
export const WITHDRAW_POLICY: ThrottlePolicy = ACCOUNT_POLICY;

/**
 * A throttle bucket. `onSuccess` says what a right password does: "reset" forgets the bucket
 * (the account's own counter), "clear-one" only takes back this attempt (an address shared by many
 * people must not be reset by one of them succeeding).
 */
export type Bucket = { key: string; policy: ThrottlePolicy; onSuccess: "reset" | "clear-one" };

// Keys are capped by a CHECK (1–200 characters); a longer name is cut, not refused, so a huge
// input still lands in a bucket of its own.
const keyOf = (kind: string, id: string) => `${kind}:${id}`.slice(0, 200);

/** The bucket of a login name as typed (trimmed, lower-cased), whether or not the user exists. */
export function accountBucket(identifier: string): Bucket {
  return { key: keyOf("account", identifier.trim().toLowerCase()), policy: ACCOUNT_POLICY, onSuccess: "reset" };
}
export function addressBucket(address: string): Bucket {
  return { key: keyOf("address", address), policy: ADDRESS_POLICY, onSuccess: "clear-one" };
}
export function withdrawBucket(userId: number): Bucket {
  return { key: keyOf("withdraw", String(userId)), policy: WITHDRAW_POLICY, onSuccess: "reset" };
}

/** The refusal everyone sees, whichever bucket is locked and whether the account exists. */
export function tooManyAttempts(retryAt: Date, now: Date, field?: string): RateLimitError {
  return new RateLimitError(
    "auth.tooManyAttempts",
    Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000)),
    field,
    { minutes: minutesUntil(retryAt, now) },
  );
}

type Conn = Db | Tx;

type Row = typeof authThrottles.$inferSelect;
const toState = (r: Row): ThrottleState => ({
  failures: r.failures,
  windowStartedAt: r.windowStartedAt,
  strikes: r.strikes,
  lockedUntil: r.lockedUntil,
});

/**
 * Admits one password attempt against every bucket, or throws RateLimitError (429) with when to
 * retry. Run it before checking the password. The bucket rows are locked in key order (no
 * deadlocks between two buckets) for this short transaction only, never while argon2 runs.
 * A refused attempt counts in no bucket; an admitted one counts in all of them until settled.
 */
export async function admitAttempt(db: Conn, buckets: readonly Bucket[], field?: string): Promise<void> {
  const keys = [...new Set(buckets.map((b) => b.key))].sort();
  const refused = await db.transaction(async (tx) => {
    await tx.insert(authThrottles).values(keys.map((key) => ({ key }))).onConflictDoNothing();
    const rows = await tx.select().from(authThrottles).where(inArray(authThrottles.key, keys)).orderBy(authThrottles.key).for("update");
    const nowRes = await tx.execute<{ now: Date }>(sql`select now() as now`);
    const now = new Date(nowRes.rows[0]!.now);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const results = buckets.map((b) => ({ b, a: admit(toState(byKey.get(b.key) ?? { ...freshState(now), key: b.key, updatedAt: now }), now, b.policy) }));
    const denied = results.filter((r) => !r.a.ok);
    // Refused: only the refusing buckets change (they lock); the others do not count this attempt.
    for (const { b, a } of denied.length > 0 ? denied : results) await save(tx, b.key, a.state);
    if (denied.length === 0) return null;
    const retryAt = new Date(Math.max(...denied.map((r) => (r.a.ok ? 0 : r.a.retryAt.getTime()))));
    return { retryAt, now };
  });
  if (refused) throw tooManyAttempts(refused.retryAt, refused.now, field);
}


async function save(tx: Conn, key: string, s: ThrottleState): Promise<void> {
  await tx
    .update(authThrottles)
    .set({ failures: s.failures, windowStartedAt: s.windowStartedAt, strikes: s.strikes, lockedUntil: s.lockedUntil, updatedAt: sql`now()` })
    .where(sql`${authThrottles.key} = ${key}`);
}

/** A right password: each bucket forgets (or takes back) the attempt admitted for it. */
export async function recordSuccess(db: Conn, buckets: readonly Bucket[]): Promise<void> {
  const reset = buckets.filter((b) => b.onSuccess === "reset").map((b) => b.key);
  if (reset.length > 0) await db.delete(authThrottles).where(inArray(authThrottles.key, reset));
  for (const b of buckets.filter((x) => x.onSuccess === "clear-one")) {
    // Atomic in one statement: a concurrent attempt's admission is never lost.
    await db
      .update(authThrottles)
      .set({ failures: sql`greatest(${authThrottles.failures} - 1, 0)`, updatedAt: sql`now()` })
      .where(sql`${authThrottles.key} = ${b.key}`);
  }
}

/**
 * Runs a password check under the throttle: admitted first (or refused with 429), counted as a
 * failure if `check` throws, forgotten if it returns.
 */
export async function throttled<T>(db: Conn, buckets: readonly Bucket[], field: string, check: () => Promise<T>): Promise<T> {
  await admitAttempt(db, buckets, field);
  const result = await check();
  await recordSuccess(db, buckets);
  return result;
}

/** Every policy a bucket can have: the prune must respect the longest memory of them all. */
const POLICIES = [ACCOUNT_POLICY, ADDRESS_POLICY, WITHDRAW_POLICY];

/**
 * Deletes the buckets that `forgettable` (./throttle-rules.ts) says are as good as new under every
 * policy, using the database's clock like admitAttempt. Run hourly by /api/cron/prune. A bucket
 * being admitted at the same moment is locked FOR UPDATE there; this DELETE then waits for it and
 * re-checks the condition on the new row version, so a fresh failure is never deleted.
 */
export async function pruneThrottles(db: Conn): Promise<number> {
  const windowMs = Math.max(...POLICIES.map((p) => p.windowMs));
  const forgetMs = Math.max(...POLICIES.map((p) => p.forgetMs));
  const res = await db.execute(sql`
    delete from ${authThrottles}
    where window_started_at <= now() - make_interval(secs => ${windowMs / 1000})
      and case when locked_until is null then strikes = 0
               else locked_until <= now() - make_interval(secs => ${forgetMs / 1000}) end`);
  return res.rowCount ?? 0;
}
