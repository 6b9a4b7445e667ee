import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { customerHistory } from "@/lib/customers/summary";
import { balanceOf, derivedBalance, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { adjustPoints, ADJUST_MAX_POINTS } from "./adjust";
import { findPointsCustomer, recentAdjustments } from "./adjust-view";
import { pointsPolicy } from "./policy";

afterEach(expectLedgerClean);

const adjust = (userId: number, operatorId: number, points: number, reason = "客服补偿积分", requestKey?: string) =>
  inTransaction((tx) => adjustPoints(tx, { userId, operatorId, points, reason, requestKey }));

async function writes(): Promise<Record<string, number>> {
  const res = await db.execute<Record<string, number>>(sql`
    select (select count(*) from ledger_transactions)::int as transactions,
           (select count(*) from ledger_entries)::int as entries,
           (select count(*) from points_lots)::int as lots,
           (select coalesce(sum(remaining), 0) from points_lots)::bigint as remaining,
           (select count(*) from audit_log)::int as audit,
           (select coalesce(sum(balance), 0) from accounts)::bigint as balances`);
  return res.rows[0]!;
}

async function lotsOf(userId: number) {
  const res = await db.execute<{ source: string; points: number; remaining: number; released_at: Date; expires_at: Date | null }>(
    sql`select source, points, remaining, released_at, expires_at from points_lots where user_id = ${userId} order by released_at, id`,
  );
  return res.rows.map((r) => ({ ...r, points: Number(r.points), remaining: Number(r.remaining) }));
}

describe("manual points adjustments", () => {
  it("+n: the platform funds the points' value, the customer gets an expiring lot, history shows the reason", async () => {
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    const feesBefore = await derivedBalance("platform_fees");
    const issuedBefore = await derivedBalance("points_issued");

    const r = await adjust(customer, operator, 500, "  活动补发积分  ");
    expect(r).toMatchObject({ points: 500, availableAfter: 500, duplicate: false });
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(500);
    expect(await balanceOf({ userId: customer }, "points_reserve")).toBe(500);
    expect(await balanceOf({ userId: customer }, "points_locked")).toBe(0);
    expect((await derivedBalance("platform_fees")) - feesBefore).toBe(-500);
    expect((await derivedBalance("points_issued")) - issuedBefore).toBe(-500);

    const [lot] = await lotsOf(customer);
    expect(lot).toMatchObject({ source: "adjustment", points: 500, remaining: 500 });
    const { expiryDays } = pointsPolicy();
    if (expiryDays > 0) {
      const days = (new Date(lot!.expires_at!).getTime() - new Date(lot!.released_at).getTime()) / 86_400_000;
      expect(days).toBe(expiryDays);
    } else {
      expect(lot!.expires_at).toBeNull();
    }

    const [line] = await customerHistory(customer, 5);
    expect(line).toMatchObject({ transactionId: r.transactionId, kind: "points_adjustment", account: "points_available", amount: 500, reason: "活动补发积分" });

    const audit = await db.execute<{ actor_user_id: number; reason: string; details: Record<string, unknown> }>(
      sql`select actor_user_id, reason, details from audit_log where action = 'points.adjust' and subject_id = ${String(customer)}`,
    );
    expect(audit.rows).toEqual([{ actor_user_id: operator, reason: "活动补发积分", details: { points: 500, transactionId: r.transactionId } }]);
    expect((await recentAdjustments({ userId: customer }))[0]).toMatchObject({
      transactionId: r.transactionId,
      userId: customer,
      points: 500,
      reason: "活动补发积分",
      operatorName: "Test",
    });
  });

  it("−n: takes from the oldest lots first and reverses every leg", async () => {
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    await adjust(customer, operator, 300, "第一批补发");
    await adjust(customer, operator, 200, "第二批补发");
    const feesBefore = await derivedBalance("platform_fees");
    const issuedBefore = await derivedBalance("points_issued");

    const r = await adjust(customer, operator, -350, "误发积分扣回");
    expect(r).toMatchObject({ points: -350, availableAfter: 150 });
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(150);
    expect(await balanceOf({ userId: customer }, "points_reserve")).toBe(150);
    expect((await derivedBalance("platform_fees")) - feesBefore).toBe(350);
    expect((await derivedBalance("points_issued")) - issuedBefore).toBe(350);
    expect((await lotsOf(customer)).map((l) => [l.points, l.remaining])).toEqual([
      [300, 0],
      [200, 150],
    ]);
    const [line] = await customerHistory(customer, 5);
    expect(line).toMatchObject({ kind: "points_adjustment", amount: -350, reason: "误发积分扣回" });
    expect((await recentAdjustments({ userId: customer })).map((a) => a.points)).toEqual([-350, 200, 300]);
  });

  it("refuses to take more than the customer's available points, writing nothing", async () => {
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    await adjust(customer, operator, 100);
    const before = await writes();
    await expect(adjust(customer, operator, -101, "扣减测试")).rejects.toMatchObject({ code: "insufficient_funds", field: "points" });
    const empty = await makeCustomer();
    await expect(adjust(empty, operator, -1, "扣减测试")).rejects.toMatchObject({ code: "insufficient_funds", field: "points" });
    expect(await writes()).toEqual(before);
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(100);
  });

  it("refuses bad input, non-operators, self-adjustment and unknown customers, writing nothing", async () => {
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    const merchant = await makeCustomer("merchant");
    const before = await writes();
    for (const points of [0, 1.5, Number.NaN, ADJUST_MAX_POINTS + 1, -ADJUST_MAX_POINTS - 1]) {
      await expect(adjust(customer, operator, points)).rejects.toMatchObject({ code: "invalid_input", field: "points" });
    }
    for (const reason of ["", "  ", "ab", "长".repeat(201)]) {
      await expect(adjust(customer, operator, 10, reason)).rejects.toMatchObject({ code: "invalid_input", field: "reason" });
    }
    await expect(adjust(customer, merchant, 10)).rejects.toMatchObject({ code: "forbidden" });
    await expect(adjust(customer, customer, 10)).rejects.toMatchObject({ code: "forbidden" });
    await expect(adjust(operator, operator, 10)).rejects.toMatchObject({ code: "forbidden", field: "userId" });
    await expect(adjust(999_999_999, operator, 10)).rejects.toMatchObject({ code: "not_found", field: "userId" });
    expect(await writes()).toEqual(before);
    // The bounds themselves are accepted, and the reason may be exactly 3 or 200 characters.
    await adjust(customer, operator, ADJUST_MAX_POINTS, "长".repeat(200));
    await adjust(customer, operator, -ADJUST_MAX_POINTS, "扣回来");
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(0);
  });

  it("the same request key applies once, even when submitted concurrently", async () => {
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    const key = `k-${customer}`;
    const results = await Promise.all(Array.from({ length: 4 }, () => adjust(customer, operator, 250, "重复提交测试", key)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(250);
    // A new key is a new adjustment.
    await adjust(customer, operator, 250, "重复提交测试", `${key}-2`);
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(500);
  });

  it("finds a customer by user name or phone with their points", async () => {
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    await adjust(customer, operator, 42);
    const phone = `139${String(customer).padStart(8, "0")}`.slice(0, 11);
    await db.execute(sql`update users set phone = ${phone} where id = ${customer}`);
    const name = await db.execute<{ username: string }>(sql`select username from users where id = ${customer}`);
    const byName = await findPointsCustomer(`  ${name.rows[0]!.username.toUpperCase()} `);
    expect(byName).toMatchObject({ userId: customer, pointsAvailable: 42, pointsLocked: 0, reserveFen: 42, phone });
    expect(await findPointsCustomer(phone)).toMatchObject({ userId: customer });
    expect(await findPointsCustomer("no_such_user_xyz")).toBeNull();
    expect(await findPointsCustomer("")).toBeNull();
  });

  it("adjustments racing the same customer's orders take locks in one order: no deadlock, nothing lost", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      work.push(placePaidOrder(customer, store.id, 10_000));
      // No retries: a deadlock would surface here as a failure.
      work.push(inTransaction((tx) => adjustPoints(tx, { userId: customer, operatorId: operator, points: 10, reason: "并发测试" }), 0));
    }
    await Promise.all(work);
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(200);
    expect(await balanceOf({ userId: customer }, "points_locked")).toBe(20 * 500);
    expect(await balanceOf({ userId: customer }, "points_reserve")).toBe(200 + 20 * 500);
  });

  it("the customer search finds nobody, instead of failing, for text Postgres cannot hold (a NUL)", async () => {
    expect(await findPointsCustomer("\u0000")).toBeNull();
    expect(await findPointsCustomer("demo\u0000")).toBeNull();
  });
});
