import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { balanceOf, derivedBalance, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { addDays, isCalendarDay, shanghaiDay } from "./day";
import { pointsHistory, releaseHistory } from "./history";
import { dailyReleaseOf, releaseForCustomer, runDailyRelease } from "./release";

afterAll(expectLedgerClean);

const POLICY = { releaseBpsPerDay: 200, expiryDays: 365 };
const DAY_MS = 86_400_000;

// Each test uses its own far-future days, so runs of the whole-database job in one test never
// collide with another test's days (tests share one database).
let dayCounter = 0;
function freshDay(): string {
  dayCounter += 1;
  return addDays("2090-01-01", dayCounter * 7 + (process.pid % 1000) * 400);
}

async function points(userId: number) {
  return {
    locked: await balanceOf({ userId }, "points_locked"),
    available: await balanceOf({ userId }, "points_available"),
    reserve: await balanceOf({ userId }, "points_reserve"),
  };
}

async function releasesOf(userId: number) {
  const res = await db.execute<{ day: string; points: number; transaction_id: number }>(
    sql`select day::text as day, points, transaction_id from points_releases where user_id = ${userId} order by day`,
  );
  return res.rows.map((r) => ({ day: r.day, points: Number(r.points), transactionId: Number(r.transaction_id) }));
}

async function lotsOf(userId: number) {
  const res = await db.execute<{ source: string; points: number; remaining: number; released_at: Date; expires_at: Date | null }>(
    sql`select source, points, remaining, released_at, expires_at from points_lots where user_id = ${userId} order by id`,
  );
  return res.rows.map((r) => ({
    source: r.source,
    points: Number(r.points),
    remaining: Number(r.remaining),
    releasedAt: new Date(r.released_at),
    expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
  }));
}

/** A customer with exactly `n` locked points: a ¥100 order earns 500 at the defaults. */
async function customerWith500Locked() {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = await makeCustomer();
  await placePaidOrder(customer, store.id, 10_000);
  return customer;
}

describe("dailyReleaseOf", () => {
  it("is ceil(locked × bps / 10000), and all that remain when fewer", () => {
    expect(dailyReleaseOf(500, 200)).toBe(10);
    expect(dailyReleaseOf(490, 200)).toBe(10); // 9.8 rounds up
    expect(dailyReleaseOf(49, 200)).toBe(1);
    expect(dailyReleaseOf(1, 200)).toBe(1);
    expect(dailyReleaseOf(0, 200)).toBe(0);
    expect(dailyReleaseOf(500, 10_000)).toBe(500);
    expect(dailyReleaseOf(3, 1)).toBe(1);
  });
});

describe("day helpers", () => {
  it("uses the Asia/Shanghai calendar date", () => {
    expect(shanghaiDay(new Date("2026-03-01T15:59:59Z"))).toBe("2026-03-01");
    expect(shanghaiDay(new Date("2026-03-01T16:00:00Z"))).toBe("2026-03-02");
    expect(isCalendarDay("2026-02-29")).toBe(false);
    expect(isCalendarDay("2028-02-29")).toBe(true);
    expect(isCalendarDay("2026-1-01")).toBe(false);
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});

describe("releaseForCustomer", () => {
  it("shows in the customer's points history (both changes on one line) and their list of releases", async () => {
    const customer = await customerWith500Locked();
    const day = freshDay();
    const r = await inTransaction((tx) => releaseForCustomer(tx, customer, day, POLICY));
    const [release, order] = await pointsHistory(customer);
    expect(release).toEqual({ transactionId: r!.transactionId, kind: "points_release", reason: null, orderNo: null, locked: -10, available: 10, createdAt: expect.any(Date) });
    expect(order).toMatchObject({ locked: 500, available: 0, orderNo: expect.any(String) });
    expect(await releaseHistory(customer)).toEqual([{ day, points: 10, createdAt: expect.any(Date) }]);
  });

  it("moves 10 of 500 locked points at 200 bps: PTS only, a lot, and a release record", async () => {
    const customer = await customerWith500Locked();
    const issuedBefore = await derivedBalance("points_issued");
    const feesBefore = await derivedBalance("platform_fees");
    const day = freshDay();
    const before = Date.now();

    const r = await inTransaction((tx) => releaseForCustomer(tx, customer, day, POLICY));
    expect(r).toMatchObject({ userId: customer, day, points: 10 });

    // The reserve backs locked and available alike, so it does not move.
    expect(await points(customer)).toEqual({ locked: 490, available: 10, reserve: 500 });
    expect(await derivedBalance("points_issued")).toBe(issuedBefore);
    expect(await derivedBalance("platform_fees")).toBe(feesBefore);
    expect(await releasesOf(customer)).toEqual([{ day, points: 10, transactionId: r!.transactionId }]);

    const lots = await lotsOf(customer);
    expect(lots).toHaveLength(1);
    expect(lots[0]).toMatchObject({ source: "release", points: 10, remaining: 10 });
    const ttl = lots[0]!.expiresAt!.getTime() - lots[0]!.releasedAt.getTime();
    expect(ttl).toBe(365 * DAY_MS);
    expect(lots[0]!.releasedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

    const tx = await db.execute<{ kind: string }>(sql`select kind from ledger_transactions where id = ${r!.transactionId}`);
    expect(tx.rows[0]!.kind).toBe("points_release");
    await expectLedgerClean();
  });

  it("releases the last point: 1 locked → 1", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    // ¥0.20: rebate 4 fen, points floor(4 × 25%) = 1.
    await placePaidOrder(customer, store.id, 20);
    expect((await points(customer)).locked).toBe(1);

    const r = await inTransaction((tx) => releaseForCustomer(tx, customer, freshDay(), POLICY));
    expect(r?.points).toBe(1);
    expect(await points(customer)).toEqual({ locked: 0, available: 1, reserve: 1 });
    // Nothing left: the next day releases nothing and records nothing.
    expect(await inTransaction((tx) => releaseForCustomer(tx, customer, freshDay(), POLICY))).toBeNull();
    expect(await releasesOf(customer)).toHaveLength(1);
    await expectLedgerClean();
  });

  it("releases once per day: a second run of the same day does nothing, the next day releases again", async () => {
    const customer = await customerWith500Locked();
    const day = freshDay();
    expect((await inTransaction((tx) => releaseForCustomer(tx, customer, day, POLICY)))?.points).toBe(10);
    expect(await inTransaction((tx) => releaseForCustomer(tx, customer, day, POLICY))).toBeNull();
    expect(await points(customer)).toEqual({ locked: 490, available: 10, reserve: 500 });

    // 490 × 2% = 9.8, rounded up to 10; then 480 × 2% = 9.6 → 10.
    const day2 = addDays(day, 1);
    expect((await inTransaction((tx) => releaseForCustomer(tx, customer, day2, POLICY)))?.points).toBe(10);
    expect((await inTransaction((tx) => releaseForCustomer(tx, customer, addDays(day, 2), POLICY)))?.points).toBe(10);
    expect(await points(customer)).toEqual({ locked: 470, available: 30, reserve: 500 });
    expect((await releasesOf(customer)).map((r) => r.points)).toEqual([10, 10, 10]);
    await expectLedgerClean();
  });

  it("10 concurrent releases of the same day release once", async () => {
    const customer = await customerWith500Locked();
    const day = freshDay();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => inTransaction((tx) => releaseForCustomer(tx, customer, day, POLICY))),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await points(customer)).toEqual({ locked: 490, available: 10, reserve: 500 });
    expect(await releasesOf(customer)).toHaveLength(1);
    expect(await lotsOf(customer)).toHaveLength(1);
    await expectLedgerClean();
  });

  it("leaves a customer with nothing locked untouched", async () => {
    const customer = await makeCustomer();
    expect(await inTransaction((tx) => releaseForCustomer(tx, customer, freshDay(), POLICY))).toBeNull();
    expect(await points(customer)).toEqual({ locked: 0, available: 0, reserve: 0 });
    expect(await releasesOf(customer)).toEqual([]);
    expect(await lotsOf(customer)).toEqual([]);
  });

  it("refuses a day that is not a calendar date", async () => {
    const customer = await makeCustomer();
    await expect(inTransaction((tx) => releaseForCustomer(tx, customer, "2026-02-30", POLICY))).rejects.toThrow(RangeError);
  });
});

describe("runDailyRelease", () => {
  it("releases every customer with locked points once, across batches, and skips the rest", async () => {
    const customers = [];
    for (let i = 0; i < 7; i++) customers.push(await customerWith500Locked());
    const idle = await makeCustomer();
    const day = freshDay();

    // Batches of 3: at least three transactions for these seven.
    const run = await runDailyRelease(day, { policy: POLICY, batchSize: 3 });
    expect(run).toMatchObject({ day, failed: 0, done: true });
    // Other tests' customers in this database are released too; ours are each released exactly once.
    expect(run.customers).toBeGreaterThanOrEqual(7);
    for (const c of customers) {
      expect(await points(c)).toEqual({ locked: 490, available: 10, reserve: 500 });
      expect(await releasesOf(c)).toHaveLength(1);
    }
    expect(await releasesOf(idle)).toEqual([]);
    expect(await points(idle)).toEqual({ locked: 0, available: 0, reserve: 0 });

    // Running the day again releases nothing at all.
    expect(await runDailyRelease(day, { policy: POLICY, batchSize: 3 })).toEqual({
      day,
      customers: 0,
      points: 0,
      failed: 0,
      done: true,
    });
    await expectLedgerClean();
  });

  it("concurrent runs of the same day release each customer once", async () => {
    const customers = [];
    for (let i = 0; i < 4; i++) customers.push(await customerWith500Locked());
    const day = freshDay();
    const runs = await Promise.all(Array.from({ length: 3 }, () => runDailyRelease(day, { policy: POLICY, batchSize: 2 })));
    for (const c of customers) {
      expect(await points(c)).toEqual({ locked: 490, available: 10, reserve: 500 });
      expect(await releasesOf(c)).toHaveLength(1);
    }
    // Across the three runs, the released points add up to what the release records say.
    const recorded = await db.execute<{ total: number }>(
      sql`select coalesce(sum(points), 0)::bigint as total from points_releases where day = ${day}`,
    );
    expect(runs.reduce((s, r) => s + r.points, 0)).toBe(Number(recorded.rows[0]!.total));
    expect(runs.every((r) => r.failed === 0 && r.done)).toBe(true);
    await expectLedgerClean();
  });

  it("stops at its time budget and reports that it is not done; the next call finishes", async () => {
    await customerWith500Locked();
    const day = freshDay();
    const first = await runDailyRelease(day, { policy: POLICY, budgetMs: 0 });
    expect(first).toEqual({ day, customers: 0, points: 0, failed: 0, done: false });
    const second = await runDailyRelease(day, { policy: POLICY });
    expect(second.done).toBe(true);
    expect(second.customers).toBeGreaterThanOrEqual(1);
  });

  it("defaults to today's Asia/Shanghai date", async () => {
    const customer = await customerWith500Locked();
    const run = await runDailyRelease(undefined, { policy: POLICY });
    expect(run.day).toBe(shanghaiDay());
    expect((await releasesOf(customer)).map((r) => r.day)).toEqual([shanghaiDay()]);
  });
});
