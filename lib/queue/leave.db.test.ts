import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { balanceOf, balanceSnapshot, entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { drainQueue } from "./drain";
import { exitQuote, leaveQueue } from "./leave";

afterAll(expectLedgerClean);

const ledgerEntryCount = async () =>
  Number((await db.execute<{ n: number }>(sql`select count(*)::bigint as n from ledger_entries`)).rows[0]!.n);

const exitTxCount = async (orderId: number) =>
  Number(
    (
      await db.execute<{ n: number }>(
        sql`select count(*)::bigint as n from ledger_transactions where kind = 'exit_compensation' and order_id = ${orderId}`,
      )
    ).rows[0]!.n,
  );


const leave = (entryId: number, customerId: number, expectedPoints?: number) =>
  inTransaction((tx) => leaveQueue(tx, { entryId, customerId, expectedPoints }));

describe("leaving the queue", () => {
  it("pays floor(T × exit_comp_bps / 10000) from the pool into the reserve, issued as locked points", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const customer = await makeCustomer();
    // ¥123.45: T 12345, pool floor(2469 − 246 − 617) = 1606; compensation floor(12345 × 10%) = 1234.
    const paid = await placePaidOrder(customer, store.id, 12_345);
    const [entry] = await entriesOf(store.queueId!);
    const before = await balanceSnapshot(customer, store.id, store.queueId!);
    expect(before.pool).toBe(1606);

    const quote = await exitQuote(entry!.id, customer);
    expect(quote).toMatchObject({ targetFen: 12_345, exitCompBps: 1000, fullPoints: 1234, poolFen: 1606, points: 1234, capped: false });

    const r = await leave(entry!.id, customer, quote.points);
    expect(r).toEqual({ outcome: "left", entryId: entry!.id, queueId: store.queueId!, compensationPoints: 1234, drainDue: false });

    const after = await balanceSnapshot(customer, store.id, store.queueId!);
    expect(after).toEqual({
      ...before,
      pool: before.pool - 1234,
      reserve: before.reserve + 1234,
      locked: before.locked + 1234,
      issued: before.issued - 1234,
    });
    const [left] = await entriesOf(store.queueId!);
    expect(left!.status).toBe("left");
    const settled = await db.execute<{ settled_at: Date | null }>(sql`select settled_at from queue_entries where id = ${entry!.id}`);
    expect(settled.rows[0]!.settled_at).not.toBeNull();
    expect(await exitTxCount(paid.orderId)).toBe(1);
    await expectLedgerClean();
  });

  it("caps the compensation at what the pool holds", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0, exitCompBps: 5000 });
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 10_000); // T 10000, pool 1300, full compensation 5000
    const [entry] = await entriesOf(store.queueId!);
    const quote = await exitQuote(entry!.id, customer);
    expect(quote).toMatchObject({ fullPoints: 5000, poolFen: 1300, points: 1300, capped: true });
    const r = await leave(entry!.id, customer);
    expect(r.compensationPoints).toBe(1300);
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(0);
    expect(await balanceOf({ userId: customer }, "points_locked")).toBe(500 + 1300);
    await expectLedgerClean();
  });

  it("uses the rate of the rule version the entry joined under", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 10_000);
    // The merchant raises the rate afterwards: it applies to new entries only.
    await db.execute(sql`
      insert into rule_versions (merchant_id, version, rebate_bps, platform_fee_bps, points_bps, free_bps, unit_cap_fen,
                                 min_order_fen, payout_mode, exit_comp_bps, release_bps_per_day, points_expiry_days)
      select merchant_id, 2, rebate_bps, platform_fee_bps, points_bps, free_bps, unit_cap_fen, min_order_fen, payout_mode,
             9000, release_bps_per_day, points_expiry_days
      from rule_versions where merchant_id = ${store.id} and version = 1`);
    await db.execute(sql`update merchants set rule_version = 2 where id = ${store.id}`);
    const [entry] = await entriesOf(store.queueId!);
    expect((await exitQuote(entry!.id, customer)).points).toBe(1000);
    expect((await leave(entry!.id, customer)).compensationPoints).toBe(1000);
    await expectLedgerClean();
  });

  it("with nothing to pay (0 bps or an empty pool) leaves without a posting", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0, exitCompBps: 0 });
    const customer = await makeCustomer();
    const paid = await placePaidOrder(customer, store.id, 10_000);
    const [entry] = await entriesOf(store.queueId!);
    expect((await exitQuote(entry!.id, customer)).points).toBe(0);
    const before = await ledgerEntryCount();
    const r = await leave(entry!.id, customer, 0);
    expect(r).toMatchObject({ outcome: "left", compensationPoints: 0 });
    expect(await ledgerEntryCount()).toBe(before);
    expect(await exitTxCount(paid.orderId)).toBe(0);
    expect((await entriesOf(store.queueId!))[0]!.status).toBe("left");
    await expectLedgerClean();
  });

  it("a second submit gets already_left and posts nothing", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const customer = await makeCustomer();
    const paid = await placePaidOrder(customer, store.id, 10_000);
    const [entry] = await entriesOf(store.queueId!);
    expect((await leave(entry!.id, customer)).outcome).toBe("left");
    const before = await ledgerEntryCount();
    expect(await leave(entry!.id, customer)).toMatchObject({ outcome: "already_left", compensationPoints: null });
    expect(await ledgerEntryCount()).toBe(before);
    expect(await exitTxCount(paid.orderId)).toBe(1);
    // The quote of a settled entry is refused with a reason.
    await expect(exitQuote(entry!.id, customer)).rejects.toMatchObject({ code: "not_allowed" });
  });

  it("refuses, writing nothing: someone else's entry, a paid entry, a changed quote", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const customer = await makeCustomer();
    const stranger = await makeCustomer();
    await placePaidOrder(customer, store.id, 1_000); // T 1000, pool 130
    await placePaidOrder(customer, store.id, 10_000); // T 10000, pool 1430
    const [first, second] = await entriesOf(store.queueId!);
    await drainQueue(store.queueId!); // pays the first entry; pool 430
    const before = await ledgerEntryCount();

    await expect(leave(second!.id, stranger)).rejects.toMatchObject({ code: "not_found" });
    await expect(exitQuote(second!.id, stranger)).rejects.toMatchObject({ code: "not_found" });
    await expect(leave(first!.id, customer)).rejects.toMatchObject({ code: "not_allowed", message: "queue.leave.paid" });
    // Shown 1000 points, but the pool now holds only 430: refused with the new figure.
    await expect(leave(second!.id, customer, 1000)).rejects.toMatchObject({ code: "conflict", message: "queue.leave.changed", params: { points: 430 } });
    await expect(leave(999_999_999, customer)).rejects.toMatchObject({ code: "not_found" });

    expect(await ledgerEntryCount()).toBe(before);
    expect((await entriesOf(store.queueId!)).map((e) => e.status)).toEqual(["paid", "waiting"]);
    // With the figure it was shown, it leaves.
    expect(await leave(second!.id, customer, 430)).toMatchObject({ outcome: "left", compensationPoints: 430 });
    await expectLedgerClean();
  });

  it("20 concurrent leaves of one entry: exactly one leaves, one compensation", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const customer = await makeCustomer();
    const paid = await placePaidOrder(customer, store.id, 10_000);
    const [entry] = await entriesOf(store.queueId!);
    const before = await balanceSnapshot(customer, store.id, store.queueId!);

    const results = await Promise.allSettled(Array.from({ length: 20 }, () => leave(entry!.id, customer, 1000)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const outcomes = results.map((r) => (r.status === "fulfilled" ? r.value.outcome : "error"));
    expect(outcomes.filter((o) => o === "left")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "already_left")).toHaveLength(19);

    expect(await exitTxCount(paid.orderId)).toBe(1);
    const after = await balanceSnapshot(customer, store.id, store.queueId!);
    expect(after.pool).toBe(before.pool - 1000);
    expect(after.locked).toBe(before.locked + 1000);
    expect(after.reserve).toBe(before.reserve + 1000);
    await expectLedgerClean();
  });

  it("leaving the head of an auto queue makes the drain due when the pool covers the next entry", async () => {
    const store = await makeStore({ unitCapFen: 0, exitCompBps: 100 });
    const a = await makeCustomer();
    const b = await makeCustomer();
    await placePaidOrder(a, store.id, 30_000); // T 30000, pool 3900
    await placePaidOrder(b, store.id, 2_000); // T 2000, pool 4160: covers B, but B waits behind A
    const [head] = await entriesOf(store.queueId!);
    const r = await leave(head!.id, a);
    expect(r).toMatchObject({ outcome: "left", compensationPoints: 300, drainDue: true });
    await drainQueue(store.queueId!);
    expect((await entriesOf(store.queueId!)).map((e) => e.status)).toEqual(["left", "paid"]);
    expect(await balanceOf({ userId: b }, "wallet")).toBe(2000);
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(4160 - 300 - 2000);
    await expectLedgerClean();
  });
});
