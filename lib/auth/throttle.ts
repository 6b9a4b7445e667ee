import "server-only";
import { and, gt, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { authThrottles } from "@/db/schema";
import { env } from "@/lib/env";
import { RateLimitError } from "@/lib/errors";
import { UNKNOWN_ADDRESS } from "./client-address";
import { admit, freshState, minutesUntil, slowDownDelay, type SlowDownPolicy, type ThrottlePolicy, type ThrottleState } from "./throttle-rules";

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
 * Registrations per client address (a trusted proxy names it): `REGISTRATIONS_PER_15_MIN`, 10 by
 * default, enough for a busy shop's wifi; then 15 minutes' wait, doubling up to an hour. (No window
 * is longer than the login ones': the prune keeps a row for the longest window of all.)
 */
export const REGISTER_ADDRESS_POLICY: ThrottlePolicy = {
  limit: env.REGISTRATIONS_PER_15_MIN,
  windowMs: 15 * MINUTE,
  lockMs: 15 * MINUTE,
  maxLockMs: 60 * MINUTE,
  forgetMs: 24 * 60 * MINUTE,
};
/**
 * Registrations from every unknown address together (no trusted proxy header): 30 a minute across
 * the site, then a minute's wait, doubling up to 5 minutes. Unlike a login lockout this locks no one
 * out of an account; it caps how fast one client can create accounts (each with its ledger accounts).
 */
export const REGISTER_GLOBAL_POLICY: ThrottlePolicy = { limit: 30, windowMs: MINUTE, lockMs: MINUTE, maxLockMs: 5 * MINUTE, forgetMs: 60 * MINUTE };
/**
 * Every login from an unknown address (no trusted proxy header): delayed, never refused (a
 * lockout here would let one client lock everybody out). 30 wrong passwords a minute across the
 * whole site cost nothing; each one more adds 100 ms, up to 3 s an attempt.
 */
export const LOGIN_SLOW_DOWN: SlowDownPolicy = { windowMs: MINUTE, freeFailures: 30, stepMs: 100, maxDelayMs: 3000 };

/**
 * A throttle bucket. `onSuccess` says what a right password does: "reset" forgets the bucket
 * (the account's own counter), "clear-one" only takes back this attempt (an address shared by many
 * people must not be reset by one of them succeeding), "keep" nothing (registrations count whether
 * or not they succeed).
 */
export type Bucket = { key: string; policy: ThrottlePolicy; onSuccess: "reset" | "clear-one" | "keep" };
/** A counter that slows attempts down instead of refusing them (./throttle-rules.ts). */
export type SlowDown = { key: string; policy: SlowDownPolicy };

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
/**
 * What guards one login attempt: the name's bucket, and the client address's when it is known.
 * The "unknown" address is that of every client no trusted proxy vouches for, so locking it would
 * lock everyone out: those attempts get the name's limits and a global slow-down instead.
 */
export function loginThrottle(identifier: string, address: string): { buckets: Bucket[]; slowDown?: SlowDown } {
  const account = accountBucket(identifier);
  if (address === UNKNOWN_ADDRESS) return { buckets: [account], slowDown: { key: "global:login", policy: LOGIN_SLOW_DOWN } };
  return { buckets: [account, addressBucket(address)] };
}
/** The bucket a registration counts in: its address's, or the one every unknown address shares. */
export function registrationBucket(address: string): Bucket {
  return address === UNKNOWN_ADDRESS
    ? { key: "global:register", policy: REGISTER_GLOBAL_POLICY, onSuccess: "keep" }
    : { key: keyOf("register", address), policy: REGISTER_ADDRESS_POLICY, onSuccess: "keep" };
}
export function withdrawBucket(userId: number): Bucket {
  return { key: keyOf("withdraw", String(userId)), policy: WITHDRAW_POLICY, onSuccess: "reset" };
}

/** The refusal everyone sees, whichever bucket is locked and whether the account exists. */
export function tooManyAttempts(retryAt: Date, now: Date, field?: string, message = "auth.tooManyAttempts"): RateLimitError {
  return new RateLimitError(
    message,
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
 * Lockouts this process has seen, for buckets that only time can unlock (an address's, a
 * registration bucket: no success resets them, and the prune deletes only long-ended locks), so a
 * flood against one is refused without touching the database. The app's clock is compared with the
 * database's lock time; a skew of a few seconds only moves the end of a lockout by as much.
 */
const seenLocks = new Map<string, number>();
const SEEN_LOCKS_MAX = 10_000;

function cachedLock(keys: readonly string[]): number | null {
  const t = Date.now();
  let until: number | null = null;
  for (const k of keys) {
    const u = seenLocks.get(k);
    if (u === undefined) continue;
    if (u <= t) seenLocks.delete(k);
    else until = Math.max(until ?? 0, u);
  }
  return until;
}

function rememberLock(bucket: Bucket, until: Date): void {
  if (bucket.onSuccess === "reset") return;
  if (seenLocks.size >= SEEN_LOCKS_MAX) seenLocks.clear();
  seenLocks.set(bucket.key, until.getTime());
}

/**
 * Admission transactions in this process, one bucket at a time: the others wait here, holding no
 * connection. Without it a flood on one bucket (every unknown client's registrations share one)
 * fills the pool with transactions queued on that bucket's row lock and starves every page.
 */
const admitting = new Map<string, Promise<void>>();
async function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = admitting.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = before.then(() => new Promise<void>((resolve) => (done = resolve)));
  admitting.set(key, mine);
  await before;
  try {
    return await fn();
  } finally {
    done();
    if (admitting.get(key) === mine) admitting.delete(key);
  }
}

/**
 * Admits one password attempt against every bucket, or throws RateLimitError (429) with when to
 * retry. Run it before checking the password. The bucket rows are locked in key order (no
 * deadlocks between two buckets) for this short transaction only, never while argon2 runs.
 * A refused attempt counts in no bucket; an admitted one counts in all of them until settled.
 *
 * A bucket already locked is refused without the transaction: from memory (`seenLocks`) or by one
 * plain read, with no row lock. The decision is the one the transaction would reach, which changes
 * nothing in a locked bucket.
 */
export async function admitAttempt(db: Conn, buckets: readonly Bucket[], field?: string, message?: string): Promise<void> {
  const keys = [...new Set(buckets.map((b) => b.key))].sort();
  const refuse = (retryAt: Date, now: Date) => tooManyAttempts(retryAt, now, field, message);
  const known = cachedLock(keys);
  if (known !== null) throw refuse(new Date(known), new Date());
  const locked = await db
    .select({ key: authThrottles.key, lockedUntil: authThrottles.lockedUntil, now: sql<Date>`now()`.mapWith((v: string | Date) => new Date(v)) })
    .from(authThrottles)
    .where(and(inArray(authThrottles.key, keys), gt(authThrottles.lockedUntil, sql`now()`)));
  if (locked.length > 0) {
    for (const r of locked) for (const b of buckets) if (b.key === r.key) rememberLock(b, r.lockedUntil!);
    throw refuse(new Date(Math.max(...locked.map((r) => r.lockedUntil!.getTime()))), locked[0]!.now);
  }
  const inTurn = keys.reduceRight<() => Promise<{ retryAt: Date; now: Date } | null>>(
    (inner, key) => () => oneAtATime(key, inner),
    async () => {
      // Locked while this attempt waited its turn: refused like the rest of the queue.
      const meanwhile = cachedLock(keys);
      if (meanwhile !== null) return { retryAt: new Date(meanwhile), now: new Date() };
      return db.transaction(async (tx) => {
        await tx.insert(authThrottles).values(keys.map((key) => ({ key }))).onConflictDoNothing();
        const rows = await tx.select().from(authThrottles).where(inArray(authThrottles.key, keys)).orderBy(authThrottles.key).for("update");
        const now = mapFirst(await tx.execute(sql`select now() as now`), (r) => r.date("now"))!;
        const byKey = new Map(rows.map((r) => [r.key, r]));
        const results = buckets.map((b) => ({ b, a: admit(toState(byKey.get(b.key) ?? { ...freshState(now), key: b.key, updatedAt: now }), now, b.policy) }));
        const denied = results.filter((r) => !r.a.ok);
        // Refused: only the refusing buckets change (they lock); the others do not count this attempt.
        for (const { b, a } of denied.length > 0 ? denied : results) await save(tx, b.key, a.state);
        if (denied.length === 0) return null;
        for (const { b, a } of denied) if (!a.ok) rememberLock(b, a.retryAt);
        const retryAt = new Date(Math.max(...denied.map((r) => (r.a.ok ? 0 : r.a.retryAt.getTime()))));
        return { retryAt, now };
      });
    },
  );
  const refused = await inTurn();
  if (refused) throw refuse(refused.retryAt, refused.now);
}

async function save(tx: Conn, key: string, s: ThrottleState): Promise<void> {
  await tx
    .update(authThrottles)
    .set({ failures: s.failures, windowStartedAt: s.windowStartedAt, strikes: s.strikes, lockedUntil: s.lockedUntil, updatedAt: sql`now()` })
    .where(sql`${authThrottles.key} = ${key}`);
}

/** A right password: each bucket forgets (or takes back) the attempt admitted for it. */
export async function recordSuccess(db: Conn, buckets: readonly Bucket[], slowDown?: SlowDown): Promise<void> {
  const reset = buckets.filter((b) => b.onSuccess === "reset").map((b) => b.key);
  if (reset.length > 0) await db.delete(authThrottles).where(inArray(authThrottles.key, reset));
  const takeBack = buckets.filter((x) => x.onSuccess === "clear-one").map((b) => b.key);
  if (slowDown) takeBack.push(slowDown.key);
  for (const key of takeBack) {
    // Atomic in one statement: a concurrent attempt's admission is never lost.
    await db
      .update(authThrottles)
      .set({ failures: sql`greatest(${authThrottles.failures} - 1, 0)`, updatedAt: sql`now()` })
      .where(sql`${authThrottles.key} = ${key}`);
  }
}

/**
 * Counts one attempt in a slow-down counter (in advance, as a failure, like `admitAttempt`) and
 * returns how long to hold it, in ms. One statement, so the shared row is locked only for its own
 * update, never across a transaction; a window that has passed starts again at this attempt.
 */
export async function countSlowAttempt(db: Conn, slowDown: SlowDown): Promise<number> {
  const windowSecs = slowDown.policy.windowMs / 1000;
  const expired = sql`${authThrottles.windowStartedAt} <= now() - make_interval(secs => ${windowSecs})`;
  const res = await db
    .insert(authThrottles)
    .values({ key: slowDown.key, failures: 1 })
    .onConflictDoUpdate({
      target: authThrottles.key,
      set: {
        failures: sql`case when ${expired} then 1 else ${authThrottles.failures} + 1 end`,
        windowStartedAt: sql`case when ${expired} then now() else ${authThrottles.windowStartedAt} end`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ failures: authThrottles.failures });
  return slowDownDelay(res[0]?.failures ?? 0, slowDown.policy);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a password check under the throttle: admitted first (or refused with 429), then held by
 * the slow-down if one is given (never refused by it), counted as a failure if `check` throws,
 * forgotten if it returns.
 */
export async function throttled<T>(
  db: Conn,
  buckets: readonly Bucket[],
  field: string,
  check: () => Promise<T>,
  slowDown?: SlowDown,
): Promise<T> {
  await admitAttempt(db, buckets, field);
  if (slowDown) {
    const delayMs = await countSlowAttempt(db, slowDown);
    if (delayMs > 0) await sleep(delayMs);
  }
  const result = await check();
  await recordSuccess(db, buckets, slowDown);
  return result;
}

/** Every policy a bucket can have: the prune must respect the longest memory of them all. */
const POLICIES = [ACCOUNT_POLICY, ADDRESS_POLICY, WITHDRAW_POLICY, REGISTER_ADDRESS_POLICY, REGISTER_GLOBAL_POLICY];

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
