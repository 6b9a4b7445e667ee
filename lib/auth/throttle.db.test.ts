import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, pool } from "@/db";
import { authThrottles, users } from "@/db/schema";
import { RateLimitError } from "@/lib/errors";
import { confirmPassword } from "@/lib/auth/confirm-password";
import { makeCustomer } from "@/lib/testing/fixtures";
import { UNKNOWN_ADDRESS } from "./client-address";
import { hashPassword } from "./password";
import {
  accountBucket,
  addressBucket,
  admitAttempt,
  countSlowAttempt,
  LOGIN_SLOW_DOWN,
  loginThrottle,
  pruneThrottles,
  recordSuccess,
  REGISTER_ADDRESS_POLICY,
  REGISTER_GLOBAL_POLICY,
  registrationBucket,
  throttled,
  type Bucket,
} from "./throttle";
import { verifyCredentials } from "./users";

const tag = randomBytes(4).toString("hex");
const wrong = () => Promise.reject(new Error("wrong password"));
const right = () => Promise.resolve("ok");

async function row(key: string) {
  const r = await db.execute<{ failures: number; locked_until: Date | null }>(
    sql`select failures, locked_until from ${authThrottles} where key = ${key}`,
  );
  return r.rows[0] ?? null;
}

afterAll(async () => {
  await pool().end();
});

describe("login throttling in Postgres", () => {
  it("refuses the sixth wrong password in 15 minutes with when to retry, for a real name and an unknown one alike", async () => {
    for (const name of [`alice_${tag}`, `nobody_${tag}`]) {
      const buckets = [accountBucket(name)];
      for (let i = 0; i < 5; i++) await expect(throttled(db, buckets, "password", wrong)).rejects.toThrow("wrong password");
      const refused = await throttled(db, buckets, "password", right).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RateLimitError);
      expect((refused as RateLimitError).message).toBe("auth.tooManyAttempts");
      expect((refused as RateLimitError).params).toEqual({ minutes: 15 });
      expect((refused as RateLimitError).status).toBe(429);
      expect((refused as RateLimitError).retryAfterSeconds).toBeGreaterThan(14 * 60);
      // Even the right password waits: the lock is on the name, not on the guess.
      await expect(throttled(db, buckets, "password", right)).rejects.toBeInstanceOf(RateLimitError);
    }
  });

  it("a right password resets the account's counter", async () => {
    const buckets = [accountBucket(`bob_${tag}`)];
    for (let i = 0; i < 4; i++) await throttled(db, buckets, "password", wrong).catch(() => {});
    await expect(throttled(db, buckets, "password", right)).resolves.toBe("ok");
    expect(await row(buckets[0]!.key)).toBeNull();
    for (let i = 0; i < 5; i++) await expect(throttled(db, buckets, "password", wrong)).rejects.toThrow("wrong password");
  });

  it("treats the name case- and space-insensitively, as login does", () => {
    expect(accountBucket(`  Carol_${tag} `).key).toBe(accountBucket(`carol_${tag}`).key);
  });

  it("an address's higher limit stops one address trying many names; a success there takes back only its own attempt", async () => {
    const address = addressBucket(`198.51.100.${Number.parseInt(tag.slice(0, 2), 16) % 250}-${tag}`);
    for (let i = 0; i < 49; i++) {
      await throttled(db, [accountBucket(`n${i}_${tag}`), address], "password", wrong).catch(() => {});
    }
    await throttled(db, [accountBucket(`good_${tag}`), address], "password", right);
    expect((await row(address.key))?.failures).toBe(49);
    await throttled(db, [accountBucket(`n49_${tag}`), address], "password", wrong).catch(() => {});
    const refused = await throttled(db, [accountBucket(`fresh_${tag}`), address], "password", right).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    // The refused attempt did not count against the fresh name.
    expect((await row(accountBucket(`fresh_${tag}`).key))?.failures ?? 0).toBe(0);
  });

  it("refuses a locked bucket at once, without waiting for its row lock (a flood cannot queue on it)", async () => {
    const key = `account:held_${tag}`;
    await db.execute(sql`insert into ${authThrottles} (key, strikes, locked_until) values (${key}, 1, now() + interval '10 minutes')`);
    const holder = await pool().connect();
    try {
      await holder.query("begin");
      await holder.query("select * from auth_throttles where key = $1 for update", [key]);
      const outcome = await Promise.race([
        admitAttempt(db, [{ ...accountBucket("x"), key }], "password").then(
          () => "admitted",
          (e: unknown) => (e instanceof RateLimitError ? "refused" : String(e)),
        ),
        new Promise((r) => setTimeout(() => r("waited for the row lock"), 3000)),
      ]);
      expect(outcome).toBe("refused");
    } finally {
      await holder.query("rollback");
      holder.release();
    }
  });

  it("concurrent wrong attempts cannot get past the limit", async () => {
    const buckets: Bucket[] = [accountBucket(`race_${tag}`)];
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => admitAttempt(db, buckets, "password")));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
    expect(refusals.every((e) => e instanceof RateLimitError)).toBe(true);
    expect((await row(buckets[0]!.key))?.locked_until).not.toBeNull();
    await recordSuccess(db, []); // no buckets: nothing to do, no error
  });

  it("throttles wrong withdrawal passwords the same way", async () => {
    const customer = await makeCustomer();
    await db.execute(sql`update ${users} set password_hash = ${await hashPassword("right-pass-2026")} where id = ${customer}`);
    for (let i = 0; i < 5; i++) {
      await expect(confirmPassword(db, customer, "wrong-pass-2026")).rejects.toMatchObject({ code: "forbidden", field: "password" });
    }
    await expect(confirmPassword(db, customer, "right-pass-2026")).rejects.toMatchObject({ code: "rate_limited", field: "password" });
  });

  it("the prune deletes exactly the buckets that hold nothing any more, and keeps throttling intact", async () => {
    const k = (name: string) => `account:prune_${name}_${tag}`;
    // [key, failures, window started (minutes ago), strikes, locked until (minutes from now) or null, kept?]
    const cases: [string, number, number, number, number | null, boolean][] = [
      [k("active-window"), 3, 5, 0, null, true],
      [k("old-window"), 3, 20, 0, null, false],
      [k("locked-now"), 0, -10, 1, 10, true],
      [k("lock-ended-recently"), 0, 120, 1, -60, true], // its strike is still remembered
      [k("lock-forgotten"), 0, 26 * 60, 2, -25 * 60, false],
    ];
    for (const [key, failures, startedAgo, strikes, lockIn] of cases) {
      await db.execute(sql`
        insert into ${authThrottles} (key, failures, window_started_at, strikes, locked_until)
        values (${key}, ${failures}, now() - make_interval(mins => ${startedAgo}), ${strikes},
                case when ${lockIn}::int is null then null else now() + make_interval(mins => ${lockIn}::int) end)`);
    }
    const deleted = await pruneThrottles(db);
    expect(deleted).toBeGreaterThanOrEqual(2);
    for (const [key, , , , , kept] of cases) expect(await row(key) !== null, key).toBe(kept);
    // The locked name is still refused after the prune.
    await expect(admitAttempt(db, [{ ...accountBucket("x"), key: k("locked-now") }], "password")).rejects.toBeInstanceOf(RateLimitError);
  });
});

describe("logins when no client address can be believed (no trusted proxy header)", () => {
  /** The login action's guard, with the slow-down's counter of its own and short delays, so the test takes seconds. */
  function guard(identifier: string) {
    const g = loginThrottle(identifier, UNKNOWN_ADDRESS);
    expect(g.slowDown?.policy).toEqual(LOGIN_SLOW_DOWN);
    return { ...g, slowDown: { key: `global:test_${tag}`, policy: { ...LOGIN_SLOW_DOWN, stepMs: 1, maxDelayMs: 20 } } };
  }
  const attempt = (identifier: string, check: () => Promise<unknown>) => {
    const g = guard(identifier);
    return throttled(db, g.buckets, "password", check, g.slowDown);
  };

  it("200 wrong logins over 100 names from one client lock nobody else out: every user then signs in at once", async () => {
    const password = "right-pass-2026";
    const passwordHash = await hashPassword(password);
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = await makeCustomer();
      const name = `everyone${i}_${tag}`;
      await db.execute(sql`update ${users} set username = ${name}, password_hash = ${passwordHash} where id = ${id}`);
      names.push(name);
    }
    const guessed = Array.from({ length: 100 }, () => `x${randomBytes(6).toString("hex")}`);
    const attacks = Array.from({ length: 200 }, (_, i) => guessed[i % 100]!);
    for (let i = 0; i < attacks.length; i += 20) {
      const batch = await Promise.allSettled(attacks.slice(i, i + 20).map((name) => attempt(name, wrong)));
      // Wrong every time, and never refused: two guesses a name is within the name's own limit.
      for (const r of batch) expect(r.status === "rejected" && (r.reason as Error).message).toBe("wrong password");
    }
    const signIns = await Promise.allSettled(
      names.map((name) =>
        attempt(name, async () => {
          const user = await verifyCredentials(db, name, password);
          if (!user) throw new Error("wrong password");
          return user.id;
        }),
      ),
    );
    expect(signIns.map((r) => r.status)).toEqual(names.map(() => "fulfilled"));
  });

  it("still locks one name after five wrong passwords, and nothing else", async () => {
    const name = `target_${tag}`;
    for (let i = 0; i < 5; i++) await expect(attempt(name, wrong)).rejects.toThrow("wrong password");
    await expect(attempt(name, right)).rejects.toBeInstanceOf(RateLimitError);
    await expect(attempt(`bystander_${tag}`, right)).resolves.toBe("ok");
  });

  it("keeps no bucket that unknown clients share", () => {
    const { buckets } = loginThrottle("someone", UNKNOWN_ADDRESS);
    expect(buckets.map((b) => b.key)).toEqual([accountBucket("someone").key]);
    // A known address keeps its own bucket, and no slow-down.
    const known = loginThrottle("someone", "203.0.113.9");
    expect(known.buckets.map((b) => b.key)).toEqual([accountBucket("someone").key, addressBucket("203.0.113.9").key]);
    expect(known.slowDown).toBeUndefined();
  });

  it("the slow-down's delay grows with the window's failures up to its cap, and a success takes its attempt back", async () => {
    const slowDown = { key: `global:cap_${tag}`, policy: LOGIN_SLOW_DOWN };
    const delays: number[] = [];
    for (let i = 0; i < 80; i++) delays.push(await countSlowAttempt(db, slowDown));
    expect(delays.slice(0, LOGIN_SLOW_DOWN.freeFailures)).toEqual(Array(LOGIN_SLOW_DOWN.freeFailures).fill(0));
    expect(delays[LOGIN_SLOW_DOWN.freeFailures]).toBe(LOGIN_SLOW_DOWN.stepMs);
    expect(delays.at(-1)).toBe(LOGIN_SLOW_DOWN.maxDelayMs);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    await recordSuccess(db, [], slowDown);
    expect((await row(slowDown.key))?.failures).toBe(79);
    // A window that has passed starts again.
    await db.execute(sql`update ${authThrottles} set window_started_at = now() - interval '2 minutes' where key = ${slowDown.key}`);
    expect(await countSlowAttempt(db, slowDown)).toBe(0);
    expect((await row(slowDown.key))?.failures).toBe(1);
  });
});

describe("registration throttling", () => {
  const register = (address: string) => admitAttempt(db, [registrationBucket(address)], "identifier", "auth.tooManyRegistrations");

  it("counts registrations per client address, successful or not, and refuses past the limit with when to retry", async () => {
    const address = `192.0.2.${Number.parseInt(tag.slice(2, 4), 16) % 250}-${tag}`;
    for (let i = 0; i < REGISTER_ADDRESS_POLICY.limit; i++) await register(address);
    const refused = await register(address).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused).toMatchObject({ message: "auth.tooManyRegistrations", field: "identifier", params: { minutes: 15 } });
    // Another address is not affected.
    await expect(register(`192.0.2.1-${tag}`)).resolves.toBeUndefined();
  });

  it("admits exactly the limit when registrations arrive all at once, and refuses the rest (queued in memory, not on the row)", async () => {
    const address = `192.0.2.3-${tag}`;
    const results = await Promise.allSettled(Array.from({ length: 3 * REGISTER_ADDRESS_POLICY.limit }, () => register(address)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(REGISTER_ADDRESS_POLICY.limit);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ message: "auth.tooManyRegistrations" });
  });

  it("counts every unknown client in one site-wide bucket, which a known address does not share", async () => {
    expect(registrationBucket(UNKNOWN_ADDRESS).key).toBe("global:register");
    await db.execute(sql`delete from ${authThrottles} where key = 'global:register'`);
    for (let i = 0; i < REGISTER_GLOBAL_POLICY.limit; i++) await register(UNKNOWN_ADDRESS);
    await expect(register(UNKNOWN_ADDRESS)).rejects.toMatchObject({ message: "auth.tooManyRegistrations", params: { minutes: 1 } });
    await expect(register(`192.0.2.2-${tag}`)).resolves.toBeUndefined();
    await db.execute(sql`delete from ${authThrottles} where key = 'global:register'`);
  });
});
