import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, pool } from "@/db";
import { authThrottles, users } from "@/db/schema";
import { RateLimitError } from "@/lib/errors";
import { confirmPassword } from "@/lib/auth/confirm-password";
import { makeCustomer } from "@/lib/testing/fixtures";
import { hashPassword } from "./password";
import { accountBucket, addressBucket, admitAttempt, pruneThrottles, recordSuccess, throttled, type Bucket } from "./throttle";

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
