import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { balanceOf, derivedBalance, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { addDays } from "./day";
import { expireForCustomer, expireLots, upcomingExpiries } from "./expire";
import { releaseForCustomer } from "./release";

afterAll(expectLedgerClean);

const DAY_MS = 86_400_000;

let dayCounter = 0;
function freshDay(): string {
  dayCounter += 1;
  return addDays("2095-01-01", dayCounter * 7 + (process.pid % 1000) * 400);
}

async function points(userId: number) {
  return {
    locked: await balanceOf({ userId }, "points_locked"),
    available: await balanceOf({ userId }, "points_available"),
    reserve: await balanceOf({ userId }, "points_reserve"),
  };
}

async function remainingOf(userId: number): Promise<number[]> {
  const res = await db.execute<{ remaining: number }>(sql`select remaining from points_lots where user_id = ${userId} order by id`);
  return res.rows.map((r) => Number(r.remaining));
}

/**
 * A customer with 500 locked points (a ¥100 order) and two released lots made `ago` days in the
 * past: 10 points expiring `ttl1` days after release, then 10 expiring `ttl2` days after.
 */
async function customerWithLots(opts: { ago: number; ttl1: number; ttl2: number }) {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = await makeCustomer();
  await placePaidOrder(customer, store.id, 10_000);
  const releasedAt = new Date(Date.now() - opts.ago * DAY_MS);
  const day = freshDay();
  await inTransaction((tx) => releaseForCustomer(tx, customer, day, { releaseBpsPerDay: 200, expiryDays: opts.ttl1 }, releasedAt));
  await inTransaction((tx) =>
    // 490 × 2% = 9.8 → 10.
    releaseForCustomer(tx, customer, addDays(day, 1), { releaseBpsPerDay: 200, expiryDays: opts.ttl2 }, new Date(releasedAt.getTime() + 1000)),
  );
  return { store, customer, releasedAt };
}

describe("expireForCustomer", () => {
  it("expires the oldest lot first, returning its value from the reserve to the platform fees", async () => {
    // Lot 1 expires in 10 days, lot 2 in 20.
    const { store, customer } = await customerWithLots({ ago: 0, ttl1: 10, ttl2: 20 });
    expect(await points(customer)).toEqual({ locked: 480, available: 20, reserve: 500 });

    // Spend 4 points: they come from the oldest lot, which keeps 6.
    await placePaidOrder(customer, store.id, 1_000, { pointsUsed: 4 });
    expect(await remainingOf(customer)).toEqual([6, 10]);
    const after = await points(customer);
    // The ¥10 order (996 fen cash) earns floor(floor(996 × 20%) × 25%) = 49 points into the reserve.
    expect(after).toEqual({ locked: 480 + 49, available: 16, reserve: 500 - 4 + 49 });

    const fees = await derivedBalance("platform_fees");
    const issued = await derivedBalance("points_issued");

    // Day 15: lot 1 has expired, lot 2 has not.
    const x = await inTransaction((tx) => expireForCustomer(tx, customer, new Date(Date.now() + 15 * DAY_MS)));
    expect(x).toMatchObject({ userId: customer, lots: 1, points: 6 });
    expect(await remainingOf(customer)).toEqual([0, 10]);
    expect(await points(customer)).toEqual({ locked: after.locked, available: 10, reserve: after.reserve - 6 });
    expect((await derivedBalance("platform_fees")) - fees).toBe(6);
    expect((await derivedBalance("points_issued")) - issued).toBe(6);
    const kind = await db.execute<{ kind: string }>(sql`select kind from ledger_transactions where id = ${x!.transactionId}`);
    expect(kind.rows[0]!.kind).toBe("points_expiry");

    // Day 25: lot 2 too. Locked points never expire.
    const y = await inTransaction((tx) => expireForCustomer(tx, customer, new Date(Date.now() + 25 * DAY_MS)));
    expect(y).toMatchObject({ lots: 1, points: 10 });
    expect(await points(customer)).toEqual({ locked: after.locked, available: 0, reserve: after.reserve - 16 });
    expect((await derivedBalance("platform_fees")) - fees).toBe(16);
    await expectLedgerClean();
  });

  it("is idempotent: a second expiry at the same time expires nothing more", async () => {
    const { customer } = await customerWithLots({ ago: 30, ttl1: 10, ttl2: 20 });
    const now = new Date();
    const first = await inTransaction((tx) => expireForCustomer(tx, customer, now));
    expect(first).toMatchObject({ lots: 2, points: 20 });
    const fees = await derivedBalance("platform_fees");
    expect(await inTransaction((tx) => expireForCustomer(tx, customer, now))).toBeNull();
    expect(await derivedBalance("platform_fees")).toBe(fees);
    expect(await points(customer)).toEqual({ locked: 480, available: 0, reserve: 480 });
    await expectLedgerClean();
  });

  it("concurrent expiries of one customer expire each lot once", async () => {
    const { customer } = await customerWithLots({ ago: 30, ttl1: 10, ttl2: 20 });
    const fees = await derivedBalance("platform_fees");
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 5 }, () => inTransaction((tx) => expireForCustomer(tx, customer, now))));
    expect(results.filter((r) => r !== null)).toEqual([expect.objectContaining({ lots: 2, points: 20 })]);
    expect((await derivedBalance("platform_fees")) - fees).toBe(20);
    expect(await points(customer)).toEqual({ locked: 480, available: 0, reserve: 480 });
    await expectLedgerClean();
  });

  it("never expires a lot without an expiry date, and leaves a customer without lots untouched", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 10_000);
    // points_expiry_days = 0: never.
    await inTransaction((tx) => releaseForCustomer(tx, customer, freshDay(), { releaseBpsPerDay: 200, expiryDays: 0 }));
    expect(await inTransaction((tx) => expireForCustomer(tx, customer, new Date(Date.now() + 3650 * DAY_MS)))).toBeNull();
    expect(await points(customer)).toEqual({ locked: 490, available: 10, reserve: 500 });

    const empty = await makeCustomer();
    expect(await inTransaction((tx) => expireForCustomer(tx, empty, new Date(Date.now() + 3650 * DAY_MS)))).toBeNull();
    expect(await points(empty)).toEqual({ locked: 0, available: 0, reserve: 0 });
  });
});

describe("expireLots", () => {
  it("expires every due lot across customers and batches, moves exactly their value, and a re-run expires nothing", async () => {
    // Three customers whose two lots both expired (released 40 days ago, kept 10 and 20 days),
    // one whose lots are still good, one with nothing.
    const due = [];
    for (let i = 0; i < 3; i++) due.push((await customerWithLots({ ago: 40, ttl1: 10, ttl2: 20 })).customer);
    const good = (await customerWithLots({ ago: 0, ttl1: 10, ttl2: 20 })).customer;
    const idle = await makeCustomer();
    const fees = await derivedBalance("platform_fees");
    const issued = await derivedBalance("points_issued");

    const now = new Date();
    const run = await expireLots(now, { batchSize: 2 });
    expect(run).toMatchObject({ now: now.toISOString(), failed: 0, done: true });
    // Other tests' due lots in this database expire too; the platform receives exactly their value.
    expect(run.customers).toBeGreaterThanOrEqual(3);
    expect(run.points).toBeGreaterThanOrEqual(60);
    expect((await derivedBalance("platform_fees")) - fees).toBe(run.points);
    expect((await derivedBalance("points_issued")) - issued).toBe(run.points);
    for (const c of due) {
      expect(await points(c)).toEqual({ locked: 480, available: 0, reserve: 480 });
      expect(await remainingOf(c)).toEqual([0, 0]);
    }
    expect(await points(good)).toEqual({ locked: 480, available: 20, reserve: 500 });
    expect(await points(idle)).toEqual({ locked: 0, available: 0, reserve: 0 });

    // Idempotent: nothing is left to expire as of the same time.
    expect(await expireLots(now, { batchSize: 2 })).toEqual({ now: now.toISOString(), customers: 0, lots: 0, points: 0, failed: 0, done: true });
    expect((await derivedBalance("platform_fees")) - fees).toBe(run.points);
    await expectLedgerClean();
  });

  it("stops at its time budget and reports that it is not done", async () => {
    await customerWithLots({ ago: 40, ttl1: 10, ttl2: 20 });
    const now = new Date();
    expect(await expireLots(now, { budgetMs: 0 })).toMatchObject({ customers: 0, done: false });
    expect(await expireLots(now)).toMatchObject({ done: true, failed: 0 });
  });
});

describe("upcomingExpiries", () => {
  it("lists the lots that hold points, soonest expiry first, never-expiring last", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 10_000);
    const day = freshDay();
    await inTransaction((tx) => releaseForCustomer(tx, customer, day, { releaseBpsPerDay: 200, expiryDays: 0 }));
    await inTransaction((tx) => releaseForCustomer(tx, customer, addDays(day, 1), { releaseBpsPerDay: 200, expiryDays: 30 }));
    await inTransaction((tx) => releaseForCustomer(tx, customer, addDays(day, 2), { releaseBpsPerDay: 200, expiryDays: 10 }));
    const list = await upcomingExpiries(customer);
    expect(list.map((l) => [l.remaining, l.expiresAt === null ? null : Math.round((l.expiresAt.getTime() - l.releasedAt.getTime()) / DAY_MS)])).toEqual([
      [10, 10],
      [10, 30],
      [10, null],
    ]);
    expect(await upcomingExpiries(await makeCustomer())).toEqual([]);
  });
});
