import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { drainQueue } from "@/lib/queue/drain";
import { leaveQueue } from "@/lib/queue/leave";
import { balanceOf, balanceSnapshot, entriesOf, makeCustomer, makeStore, placePaidOrder, releasePointsNow } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { createPosOrder } from "@/lib/api/orders";
import { paymentProvider } from "@/lib/payments";
import { refundsPendingAccount } from "@/lib/ledger";
import { createPendingOrder } from "./create";
import { cancelPendingOrder } from "./expire-pending";
import { refundOrder, type RefundActor } from "./refund";
import { sendRefund } from "./refund-provider";

afterAll(expectLedgerClean);

const count = async (q: ReturnType<typeof sql>) => Number((await db.execute<{ n: number }>(q)).rows[0]!.n);

/** Everything a refusal must leave untouched. */
const writes = async () => ({
  ledgerEntries: await count(sql`select count(*)::bigint as n from ledger_entries`),
  refunds: await count(sql`select count(*)::bigint as n from payment_refunds`),
  audit: await count(sql`select count(*)::bigint as n from audit_log`),
  lots: await count(sql`select count(*)::bigint as n from points_lots`),
  refunded: await count(sql`select count(*)::bigint as n from orders where status = 'refunded'`),
  cancelled: await count(sql`select count(*)::bigint as n from queue_entries where status = 'cancelled'`),
});


const refund = (orderId: number, actor: RefundActor, reason?: string) =>
  inTransaction((tx) => refundOrder(tx, { orderId, actor, reason }));

/** Runs the order's refund.send job as the worker would, with the order's own (simulated) provider. */
async function sendOrderRefund(orderId: number) {
  const [r] = (await db.execute<{ id: number; out_refund_no: string }>(sql`select id, out_refund_no from payment_refunds where order_id = ${orderId}`)).rows;
  return sendRefund({ refundId: Number(r!.id), outRefundNo: r!.out_refund_no });
}

async function operator(): Promise<RefundActor> {
  return { userId: await makeCustomer("operator"), role: "operator" };
}

describe("refunding an order", () => {
  it("reverses every posting of the purchase exactly, cancels the entries, records the refund", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const before = await balanceSnapshot(customer, store.id, store.queueId!);
    // ¥350.99: T 35099 in units 10000 ×3 + 5099; rebate 7019, fee 701, points 1754, pool 4564.
    const paid = await placePaidOrder(customer, store.id, 35_099);
    const mid = await balanceSnapshot(customer, store.id, store.queueId!);
    expect(mid).toEqual({
      ...before,
      settlement: before.settlement + 35_099 - 7019,
      fees: before.fees + 701,
      reserve: before.reserve + 1754,
      locked: before.locked + 1754,
      pool: before.pool + 4564,
      world: before.world - 35_099,
      issued: before.issued - 1754,
    });

    const merchant: RefundActor = { userId: store.ownerUserId, role: "merchant" };
    const r = await refund(paid.orderId, merchant, "顾客取消");
    expect(r).toMatchObject({
      orderId: paid.orderId,
      refundedFen: 35_099,
      cancelledEntries: 4,
      pointsFromLocked: 1754,
      pointsFromAvailable: 0,
      pointsReturned: 0,
      drainDue: false,
    });
    expect(r).toMatchObject({ refundStatus: "pending", outRefundNo: `RF${paid.orderNo}01`, shortfallFen: 0 });
    // Committed, not yet sent: the cash is owed to the customer, not yet back on the rails.
    expect(await balanceSnapshot(customer, store.id, store.queueId!)).toEqual({ ...before, world: before.world - 35_099 });
    expect(await balanceOf({ userId: customer }, "refunds_pending")).toBe(35_099);
    await expectLedgerClean();

    expect(await sendOrderRefund(paid.orderId)).toBe("succeeded");
    expect(await balanceSnapshot(customer, store.id, store.queueId!)).toEqual(before);
    expect(await balanceOf({ userId: customer }, "refunds_pending")).toBe(0);
    expect((await entriesOf(store.queueId!)).map((e) => e.status)).toEqual(["cancelled", "cancelled", "cancelled", "cancelled"]);
    const order = await db.execute<{ status: string; refunded_at: Date | null }>(
      sql`select status, refunded_at from orders where id = ${paid.orderId}`,
    );
    expect(order.rows[0]).toMatchObject({ status: "refunded" });
    expect(order.rows[0]!.refunded_at).not.toBeNull();
    const pr = await db.execute<{ provider: string; amount_fen: number; actor_user_id: number; reason: string; status: string; out_refund_no: string }>(
      sql`select provider, amount_fen, actor_user_id, reason, status, out_refund_no from payment_refunds where order_id = ${paid.orderId}`,
    );
    expect(pr.rows).toEqual([
      { provider: "dev", amount_fen: 35_099, actor_user_id: store.ownerUserId, reason: "顾客取消", status: "succeeded", out_refund_no: `RF${paid.orderNo}01` },
    ]);
    const audit = await db.execute<{ action: string; actor_user_id: number }>(
      sql`select action, actor_user_id from audit_log where subject_type = 'order' and subject_id = ${paid.orderNo}`,
    );
    expect(audit.rows).toEqual([{ action: "order.refund", actor_user_id: store.ownerUserId }]);
    await expectLedgerClean();
  });

  it("refunds an order paid at the till through the POS API (found by the chaos run: 'unknown payment provider pos')", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const [u] = (await db.execute<{ username: string }>(sql`select username from users where id = ${customer}`)).rows;
    const before = await balanceSnapshot(customer, store.id, store.queueId!);
    const pos = await inTransaction((tx) =>
      createPosOrder(tx, { merchantId: store.id, idempotencyKey: randomUUID(), input: { customer: u!.username, amount_fen: 12_000 } }),
    );
    const [order] = (await db.execute<{ id: number }>(sql`select id from orders where order_no = ${pos.body.order_no}`)).rows;

    const r = await refund(Number(order!.id), { userId: store.ownerUserId, role: "merchant" }, "退货");
    expect(r).toMatchObject({ refundedFen: 12_000, cancelledEntries: 2 });
    expect(r).toMatchObject({ refundStatus: "pending", outRefundNo: `RF${pos.body.order_no}01` });
    expect(await sendOrderRefund(Number(order!.id))).toBe("succeeded");
    expect(await balanceSnapshot(customer, store.id, store.queueId!)).toEqual(before);
    const pr = await db.execute<{ provider: string; amount_fen: number }>(
      sql`select provider, amount_fen from payment_refunds where order_id = ${order!.id}`,
    );
    expect(pr.rows).toEqual([{ provider: "pos", amount_fen: 12_000 }]);
    // The orders pages ask the provider whether it is simulated: a POS order must not break them.
    expect(paymentProvider("pos").simulated).toBe(false);
    await expectLedgerClean();
  });

  it("takes earned points from locked first, then available, and returns redeemed points as a new lot", async () => {
    const earn = await makeStore({ payoutMode: "manual" });
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    await placePaidOrder(customer, earn.id, 10_000); // 500 points
    await releasePointsNow(customer, 500);
    const before = await balanceSnapshot(customer, store.id, store.queueId!);
    expect(before).toMatchObject({ locked: 0, available: 500, reserve: 500 });

    // ¥20.00 with 300 points: ¥17.00 cash; rebate 340, fee 34, points 85, pool 221.
    const paid = await placePaidOrder(customer, store.id, 2000, { pointsUsed: 300 });
    await releasePointsNow(customer, 50); // 35 of the 85 stay locked, 50 are available
    expect(await balanceSnapshot(customer, store.id, store.queueId!)).toMatchObject({ locked: 35, available: 250, reserve: 285 });

    const r = await refund(paid.orderId, await operator(), "重复下单");
    expect(r).toMatchObject({ refundedFen: 1700, pointsFromLocked: 35, pointsFromAvailable: 50, pointsReturned: 300 });
    await sendOrderRefund(paid.orderId);
    expect(await balanceSnapshot(customer, store.id, store.queueId!)).toEqual(before);

    const lots = await db.execute<{ source: string; points: number; remaining: number; days: number }>(sql`
      select source, points, remaining, round(extract(epoch from (expires_at - released_at)) / 86400)::int as days
      from points_lots where user_id = ${customer} and source = 'refund'`);
    expect(lots.rows).toEqual([{ source: "refund", points: 300, remaining: 300, days: 365 }]);
    await expectLedgerClean();
  });

  it("refuses, writing nothing, with the reason", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 5000 });
    const other = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const ops = await operator();
    const merchant: RefundActor = { userId: store.ownerUserId, role: "merchant" };

    // An unpaid order.
    const { order: pending } = await inTransaction((tx) =>
      createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen: 5000, idempotencyKey: randomUUID(), provider: "dev" }),
    );
    // An order with one entry paid out: ¥10 first, so the pool pays it.
    const small = await placePaidOrder(customer, store.id, 1_000);
    // An order of two entries, the customer left one of them.
    const twoUnits = await placePaidOrder(customer, store.id, 10_000);
    await drainQueue(store.queueId!); // pays the ¥10 entry: pool 130 + 1300 − 1000 = 430
    const entries = await entriesOf(store.queueId!);
    const leftOne = entries.find((e) => e.orderId === twoUnits.orderId)!;
    await inTransaction((tx) => leaveQueue(tx, { entryId: leftOne.id, customerId: customer }));
    // An order at another store, to test ownership.
    const elsewhere = await placePaidOrder(customer, other.id, 5_000);
    // An order the customer cancelled before paying: nothing was taken, so nothing goes back. (It
    // once got past the status check and failed on a bare error, opening a refunds_pending account.)
    const { order: toCancel } = await inTransaction((tx) =>
      createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen: 5000, idempotencyKey: randomUUID(), provider: "dev" }),
    );
    await cancelPendingOrder(customer, toCancel.orderNo);

    const before = await writes();
    const cases: [number, RefundActor, string | undefined, object][] = [
      [pending.id, ops, "x", { code: "not_allowed", message: "refund.notPaid" }],
      [toCancel.id, ops, "x", { code: "not_allowed", message: "refund.notPaid" }],
      [small.orderId, ops, "x", { code: "not_allowed", message: "refund.entriesPaid" }],
      [twoUnits.orderId, merchant, undefined, { code: "not_allowed", message: "refund.entriesLeft" }],
      [elsewhere.orderId, merchant, undefined, { code: "not_found" }],
      [999_999_999, ops, "x", { code: "not_found" }],
      [elsewhere.orderId, ops, "  ", { code: "invalid_input", field: "reason" }],
      [elsewhere.orderId, { userId: customer, role: "operator" }, "x", { code: "forbidden" }],
      [elsewhere.orderId, { userId: customer, role: "merchant" }, "x", { code: "forbidden" }],
    ];
    for (const [orderId, actor, reason, expected] of cases) {
      await expect(refund(orderId, actor, reason)).rejects.toMatchObject(expected);
    }
    expect(await writes()).toEqual(before);
    expect((await entriesOf(store.queueId!)).map((e) => e.status)).toEqual(["paid", "left", "waiting"]);

    await expectLedgerClean();
  });

  it("does not remember a refunds_pending account opened by a transaction that rolled back", async () => {
    const customer = await makeCustomer();
    await expect(
      inTransaction(async (tx) => {
        await refundsPendingAccount(tx, customer);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    const id = await inTransaction((tx) => refundsPendingAccount(tx, customer));
    const kept = await db.execute(sql`select 1 from accounts where id = ${id} and kind = 'refunds_pending' and user_id = ${customer}`);
    expect(kept.rows).toHaveLength(1);
  });

  it("refuses a refund after the earned points were released and partly spent", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const spendAt = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const paid = await placePaidOrder(customer, store.id, 10_000); // 500 points
    await releasePointsNow(customer, 500);
    // Spends 450 of them: ¥5.00 with 450 points, ¥0.50 cash earns floor(10 × 25%) = 2 points.
    await placePaidOrder(customer, spendAt.id, 500, { pointsUsed: 450 });
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(50);
    const before = await writes();
    await expect(refund(paid.orderId, await operator(), "x")).rejects.toMatchObject({
      code: "not_allowed",
      message: "refund.pointsGone",
      params: { earned: 500, held: 52 },
    });
    expect(await writes()).toEqual(before);
    expect((await entriesOf(store.queueId!)).map((e) => e.status)).toEqual(["waiting"]);
    await expectLedgerClean();
  });

  it("a double refund is refused, also when both race", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const ops = await operator();
    const merchant: RefundActor = { userId: store.ownerUserId, role: "merchant" };

    const a = await placePaidOrder(customer, store.id, 10_000);
    await refund(a.orderId, merchant);
    const before = await writes();
    await expect(refund(a.orderId, ops, "again")).rejects.toMatchObject({ code: "not_allowed", message: "refund.alreadyRefunded" });
    expect(await writes()).toEqual(before);

    const b = await placePaidOrder(customer, store.id, 10_000);
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => (i % 2 ? refund(b.orderId, merchant) : refund(b.orderId, ops, "race"))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "not_allowed" });
    expect(await count(sql`select count(*)::bigint as n from payment_refunds where order_id = ${b.orderId}`)).toBe(1);
    expect(await count(sql`select count(*)::bigint as n from ledger_transactions where kind = 'order_refund' and order_id = ${b.orderId}`)).toBe(1);
    await expectLedgerClean();
  });

  it("a refund racing a drain of the same order: one of them wins, never both", async () => {
    const ops = await operator();
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
      const customer = await makeCustomer();
      const filler = await makeCustomer();
      const paid = await placePaidOrder(customer, store.id, 10_000); // head: T 10000, pool 1300
      for (let k = 0; k < 7; k++) await placePaidOrder(filler, store.id, 10_000); // pool 10400 covers the head
      const [head] = await entriesOf(store.queueId!);

      const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const [refunded, drained] = await Promise.allSettled([
        wait(i % 3 === 0 ? 0 : (i * 7) % 11).then(() => refund(paid.orderId, ops, "race")),
        wait(i % 3 === 1 ? 0 : (i * 5) % 9).then(() => drainQueue(store.queueId!)),
      ]);
      expect(drained.status).toBe("fulfilled");
      const payouts = await count(sql`select count(*)::bigint as n from payouts where queue_entry_id = ${head!.id}`);
      const status = (await entriesOf(store.queueId!))[0]!.status;
      if (refunded.status === "fulfilled") {
        outcomes.push("refund");
        expect(status).toBe("cancelled");
        expect(payouts).toBe(0);
        expect(await balanceOf({ userId: customer }, "wallet")).toBe(0);
        // Without the head's share the pool (9100) no longer covers the next ¥100 entry.
        expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(9100);
      } else {
        outcomes.push("drain");
        expect(refunded.reason).toMatchObject({ code: "not_allowed", message: "refund.entriesPaid" });
        expect(status).toBe("paid");
        expect(payouts).toBe(1);
        expect(await balanceOf({ userId: customer }, "wallet")).toBe(10_000);
        expect(await count(sql`select count(*)::bigint as n from payment_refunds where order_id = ${paid.orderId}`)).toBe(0);
      }
    }
    console.info(`refund vs drain outcomes: ${outcomes.join(", ")}`);
    await expectLedgerClean();
  });

  it("cancelling the head of an auto queue makes the drain due when the pool covers the next entry", async () => {
    const store = await makeStore({ unitCapFen: 0, rebateBps: 5000, platformFeeBps: 0, pointsBps: 0 });
    const a = await makeCustomer();
    const b = await makeCustomer();
    const head = await placePaidOrder(a, store.id, 30_000); // T 30000, pool 15000
    for (let i = 0; i < 14; i++) await placePaidOrder(b, store.id, 2_000); // T 2000 each, pool 29000: head not covered
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(29_000);
    const r = await refund(head.orderId, await operator(), "test");
    expect(r.drainDue).toBe(true); // pool 14000 covers the new head (2000)
    expect(await drainQueue(store.queueId!)).toMatchObject({ paid: 7, paidFen: 14_000 });
    await expectLedgerClean();
  });
});
