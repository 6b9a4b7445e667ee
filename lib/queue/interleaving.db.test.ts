// Deterministic interleavings of drain × new order × leave × refund on one queue, in the style of
// Postgres's isolation tests: every session is a real connection with an explicit BEGIN/COMMIT,
// each step either completes or is observed blocking on a lock (pg_stat_activity), and the final
// state is checked against the rules and the ledger invariants.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { db, type Tx } from "@/db";
import { inTransaction } from "@/db/transaction";
import { unavailableReason } from "@/db/errors";
import type { Order } from "@/db/schema";
import { isDomainError } from "@/lib/errors";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { refundOrder } from "@/lib/orders/refund";
import { balanceOf, entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { Scheduler } from "@/lib/testing/interleave";
import { expectLedgerClean } from "@/lib/testing/verify";
import { drainBatch } from "./drain";
import { leaveQueue } from "./leave";
import { headTarget, lockQueue } from "./lock";

let open: Scheduler | undefined;
async function sessions<N extends string>(...names: N[]) {
  const s = await Scheduler.open(names);
  open = s;
  return s;
}

afterEach(async (ctx) => {
  if (open && ctx.task.result?.state === "fail") console.error(`schedule trace:\n  ${open.trace.join("\n  ")}`);
  await open?.close();
  open = undefined;
});
afterAll(expectLedgerClean);

/**
 * A manual-payout store (the tests run every drain themselves) whose entries are 10% of the order
 * and unsplit, so each ¥100 order adds one entry of T = 1000 fen and 1300 fen to the pool: the
 * pool covers each entry as soon as it joins, and the only thing that decides who is paid is the
 * interleaving under test.
 */
async function queue() {
  const store = await makeStore({ payoutMode: "manual", freeBps: 1000, unitCapFen: 0 });
  return { merchantId: store.id, queueId: store.queueId! };
}

async function pendingOrder(customerId: number, merchantId: number, amountFen = 10_000): Promise<Order> {
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, { customerId, merchantId, amountFen, idempotencyKey: randomUUID(), provider: "dev" }),
  );
  return order;
}

const pay = (o: Order) => (tx: Tx) => markOrderPaid(tx, { orderNo: o.orderNo, amountFen: o.cashFen, providerRef: `il-${o.id}` });
const drain = (queueId: number) => (tx: Tx) => drainBatch(tx, queueId);
const leave = (entryId: number, customerId: number) => (tx: Tx) => leaveQueue(tx, { entryId, customerId });
const refund = (orderId: number, operatorId: number) => (tx: Tx) =>
  refundOrder(tx, { orderId, actor: { userId: operatorId, role: "operator" }, reason: "interleaving test" });

async function scalar(q: ReturnType<typeof sql>): Promise<number> {
  const res = await db.execute<{ n: number }>(q);
  return Number(res.rows[0]!.n);
}
const payoutsOf = (entryId: number) => scalar(sql`select count(*)::int as n from payouts where queue_entry_id = ${entryId}`);
const ledgerTxs = (kind: string, orderId: number) =>
  scalar(sql`select count(*)::int as n from ledger_transactions where kind = ${kind} and order_id = ${orderId}`);
const orderStatus = async (orderId: number) =>
  (await db.execute<{ status: string }>(sql`select status from orders where id = ${orderId}`)).rows[0]!.status;

function domainCode(e: unknown): string | undefined {
  return isDomainError(e) ? e.code : undefined;
}

describe("interleavings on one queue", () => {
  it("a payment waits for the drain's queue lock, then joins behind the entries the drain paid", async () => {
    const q = await queue();
    const x = await makeCustomer();
    const y = await makeCustomer();
    await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    const p = await pendingOrder(y, q.merchantId);
    const s = await sessions("A", "B");

    await s.A.begin();
    const locked = await s.A.step("lock queue", (tx) => lockQueue(tx, q.queueId));
    expect(locked.balanceFen).toBe(2600);
    expect(await s.A.step("read head", (tx) => headTarget(tx, q.queueId))).toBe(1000);
    await s.B.begin();
    const payment = s.B.run("pay new order", pay(p));
    expect(await payment.blocks()).toEqual(["A"]);
    expect(await s.A.step("drain", drain(q.queueId))).toEqual({ paid: 2, paidFen: 2000, more: false });
    await payment.blocks(); // still waiting: the drain ran inside A's lock
    await s.A.commit();
    expect(await payment.completes()).toMatchObject({ applied: true, drainDue: false });
    await s.B.commit();

    const entries = await entriesOf(q.queueId);
    expect(entries.map((e) => [e.position, e.customerId, e.status])).toEqual([
      [1, x, "paid"],
      [2, x, "paid"],
      [3, y, "waiting"],
    ]);
    // B read the pool after A's commit: 2600 − 2000 paid + 1300 from its own order.
    expect(await balanceOf({ queueId: q.queueId }, "pool")).toBe(1900);
    expect(await balanceOf({ userId: x }, "wallet")).toBe(2000);
    await expectLedgerClean();
  });

  it("positions follow the order in which payments commit, not the order in which orders were created", async () => {
    const q = await queue();
    const x = await makeCustomer();
    const y = await makeCustomer();
    const first = await pendingOrder(x, q.merchantId); // created first…
    const second = await pendingOrder(y, q.merchantId); // …created second
    expect(first.id).toBeLessThan(second.id);
    const s = await sessions("A", "B", "C");

    await s.A.begin();
    await s.A.step("lock queue", (tx) => lockQueue(tx, q.queueId));
    await s.C.begin();
    const paySecond = s.C.run("pay the second order", pay(second));
    expect(await paySecond.blocks()).toEqual(["A"]);
    await s.B.begin();
    const payFirst = s.B.run("pay the first order", pay(first));
    expect(await payFirst.blocks()).toContain("C"); // queued behind C on the pool row
    await s.A.commit();
    await paySecond.completes();
    expect(await payFirst.blocks()).toEqual(["C"]); // C now holds the queue lock until it commits
    await s.C.commit();
    await payFirst.completes();
    await s.B.commit();

    const entries = await entriesOf(q.queueId);
    expect(entries.map((e) => [e.position, e.orderId])).toEqual([
      [1, second.id],
      [2, first.id],
    ]);
    await expectLedgerClean();
  });

  it("refund before drain: the drain waits, then pays the next entry and never the cancelled one", async () => {
    const q = await queue();
    const [x, y, op] = [await makeCustomer(), await makeCustomer(), await makeCustomer("operator")];
    const o1 = await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    await placePaidOrder(y, q.merchantId, 10_000, { drain: false });
    const [e1, e2] = await entriesOf(q.queueId);
    const s = await sessions("A", "B");

    await s.A.begin();
    expect(await s.A.step("refund order 1", refund(o1.orderId, op))).toMatchObject({ cancelledEntries: 1, refundedFen: 10_000 });
    await s.B.begin();
    const d = s.B.run("drain", drain(q.queueId));
    expect(await d.blocks()).toEqual(["A"]);
    await s.A.commit();
    // The pool lost order 1's 1300 with the refund: 2600 − 1300 = 1300 covers e2 only.
    expect(await d.completes()).toEqual({ paid: 1, paidFen: 1000, more: false });
    await s.B.commit();

    expect((await entriesOf(q.queueId)).map((e) => e.status)).toEqual(["cancelled", "paid"]);
    expect(await payoutsOf(e1!.id)).toBe(0);
    expect(await payoutsOf(e2!.id)).toBe(1);
    expect(await orderStatus(o1.orderId)).toBe("refunded");
    expect(await balanceOf({ userId: x }, "wallet")).toBe(0);
    expect(await balanceOf({ queueId: q.queueId }, "pool")).toBe(300);
    await expectLedgerClean();
  });

  it("drain before refund: the refund waits, then is refused because the entry was paid", async () => {
    const q = await queue();
    const [x, op] = [await makeCustomer(), await makeCustomer("operator")];
    const o1 = await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    const [e1] = await entriesOf(q.queueId);
    const s = await sessions("A", "B");

    await s.A.begin();
    expect(await s.A.step("drain", drain(q.queueId))).toEqual({ paid: 1, paidFen: 1000, more: false });
    await s.B.begin();
    const r = s.B.run("refund order 1", refund(o1.orderId, op));
    expect(await r.blocks()).toEqual(["A"]);
    await s.A.commit();
    const err = await r.fails();
    expect(domainCode(err)).toBe("not_allowed");
    expect((err as Error).message).toContain("refund.entriesPaid");
    await s.B.rollback();

    expect(await orderStatus(o1.orderId)).toBe("paid");
    expect(await payoutsOf(e1!.id)).toBe(1);
    expect(await ledgerTxs("order_refund", o1.orderId)).toBe(0);
    expect(await balanceOf({ userId: x }, "wallet")).toBe(1000);
    await expectLedgerClean();
  });

  it("drain before leave: the leave waits, then finds the entry paid and pays no compensation", async () => {
    const q = await queue();
    const x = await makeCustomer();
    const o1 = await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    const [e1] = await entriesOf(q.queueId);
    const lockedBefore = await balanceOf({ userId: x }, "points_locked");
    const s = await sessions("A", "B");

    await s.A.begin();
    await s.A.step("drain", drain(q.queueId));
    await s.B.begin();
    const l = s.B.run("leave entry 1", leave(e1!.id, x));
    expect(await l.blocks()).toEqual(["A"]);
    await s.A.commit();
    const err = await l.fails();
    expect(domainCode(err)).toBe("not_allowed");
    expect((err as Error).message).toContain("queue.leave.paid");
    await s.B.rollback();

    expect((await entriesOf(q.queueId)).map((e) => e.status)).toEqual(["paid"]);
    expect(await payoutsOf(e1!.id)).toBe(1);
    expect(await ledgerTxs("exit_compensation", o1.orderId)).toBe(0);
    expect(await balanceOf({ userId: x }, "wallet")).toBe(1000);
    expect(await balanceOf({ userId: x }, "points_locked")).toBe(lockedBefore);
    await expectLedgerClean();
  });

  it("leave before drain: the drain waits, then pays the next entry from what the compensation left", async () => {
    const q = await queue();
    const [x, y] = [await makeCustomer(), await makeCustomer()];
    const o1 = await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    await placePaidOrder(y, q.merchantId, 10_000, { drain: false });
    const [e1, e2] = await entriesOf(q.queueId);
    const lockedBefore = await balanceOf({ userId: x }, "points_locked");
    const s = await sessions("A", "B");

    await s.A.begin();
    // floor(T 1000 × exit_comp_bps 1000 / 10000) = 100 points, well under the pool's 2600.
    expect(await s.A.step("leave entry 1", leave(e1!.id, x))).toMatchObject({ outcome: "left", compensationPoints: 100 });
    await s.B.begin();
    const d = s.B.run("drain", drain(q.queueId));
    expect(await d.blocks()).toEqual(["A"]);
    await s.A.commit();
    expect(await d.completes()).toEqual({ paid: 1, paidFen: 1000, more: false });
    await s.B.commit();

    expect((await entriesOf(q.queueId)).map((e) => e.status)).toEqual(["left", "paid"]);
    expect(await payoutsOf(e1!.id)).toBe(0);
    expect(await payoutsOf(e2!.id)).toBe(1);
    expect(await ledgerTxs("exit_compensation", o1.orderId)).toBe(1);
    expect(await balanceOf({ userId: x }, "points_locked")).toBe(lockedBefore + 100);
    expect(await balanceOf({ userId: x }, "wallet")).toBe(0);
    expect(await balanceOf({ userId: y }, "wallet")).toBe(1000);
    expect(await balanceOf({ queueId: q.queueId }, "pool")).toBe(2600 - 100 - 1000);
    await expectLedgerClean();
  });

  it("leave before refund of the same order: the refund waits, then is refused because the customer took the compensation", async () => {
    const q = await queue();
    const [x, op] = [await makeCustomer(), await makeCustomer("operator")];
    const o1 = await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    const [e1] = await entriesOf(q.queueId);
    const s = await sessions("A", "B");

    await s.A.begin();
    await s.A.step("leave entry 1", leave(e1!.id, x));
    await s.B.begin();
    const r = s.B.run("refund order 1", refund(o1.orderId, op));
    expect(await r.blocks()).toEqual(["A"]);
    await s.A.commit();
    const err = await r.fails();
    expect(domainCode(err)).toBe("not_allowed");
    expect((err as Error).message).toContain("refund.entriesLeft");
    await s.B.rollback();

    expect(await orderStatus(o1.orderId)).toBe("paid");
    expect(await ledgerTxs("exit_compensation", o1.orderId)).toBe(1);
    expect(await ledgerTxs("order_refund", o1.orderId)).toBe(0);
    await expectLedgerClean();
  });

  it("refund before leave of the same order: the leave waits, then is refused because the entry was cancelled", async () => {
    const q = await queue();
    const [x, op] = [await makeCustomer(), await makeCustomer("operator")];
    const o1 = await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    const [e1] = await entriesOf(q.queueId);
    const s = await sessions("A", "B");

    await s.A.begin();
    await s.A.step("refund order 1", refund(o1.orderId, op));
    await s.B.begin();
    const l = s.B.run("leave entry 1", leave(e1!.id, x));
    expect(await l.blocks()).toEqual(["A"]);
    await s.A.commit();
    const err = await l.fails();
    expect(domainCode(err)).toBe("not_allowed");
    expect((err as Error).message).toContain("queue.leave.cancelled");
    await s.B.rollback();

    expect(await orderStatus(o1.orderId)).toBe("refunded");
    expect(await ledgerTxs("exit_compensation", o1.orderId)).toBe(0);
    expect(await ledgerTxs("order_refund", o1.orderId)).toBe(1);
    await expectLedgerClean();
  });

  it("drain, payment and a second drain queue on the lock in arrival order, and no entry is paid twice", async () => {
    const q = await queue();
    const [x, y] = [await makeCustomer(), await makeCustomer()];
    await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    const p = await pendingOrder(y, q.merchantId);
    const s = await sessions("A", "B", "C");

    await s.A.begin();
    expect(await s.A.step("drain", drain(q.queueId))).toEqual({ paid: 1, paidFen: 1000, more: false });
    await s.B.begin();
    const payment = s.B.run("pay new order", pay(p));
    expect(await payment.blocks()).toEqual(["A"]);
    await s.C.begin();
    const second = s.C.run("second drain", drain(q.queueId));
    expect(await second.blocks()).toContain("B");
    await s.A.commit();
    await payment.completes();
    expect(await second.blocks()).toEqual(["B"]); // the payment won the lock; the drain waits for it
    await s.B.commit();
    // The second drain sees the first one's payout and the new entry: it pays only the new entry.
    expect(await second.completes()).toEqual({ paid: 1, paidFen: 1000, more: false });
    await s.C.commit();

    const entries = await entriesOf(q.queueId);
    expect(entries.map((e) => [e.position, e.customerId, e.status])).toEqual([
      [1, x, "paid"],
      [2, y, "paid"],
    ]);
    for (const e of entries) expect(await payoutsOf(e.id)).toBe(1);
    expect(await balanceOf({ queueId: q.queueId }, "pool")).toBe(2600 - 2000);
    await expectLedgerClean();
  });

  it("two confirmations of one payment: the second waits on the order row, then posts nothing", async () => {
    const q = await queue();
    const x = await makeCustomer();
    const p = await pendingOrder(x, q.merchantId);
    const s = await sessions("A", "B");

    await s.A.begin();
    expect(await s.A.step("confirm payment", pay(p))).toMatchObject({ applied: true });
    await s.B.begin();
    const again = s.B.run("confirm payment again", pay(p));
    expect(await again.blocks()).toEqual(["A"]);
    await s.A.commit();
    expect(await again.completes()).toMatchObject({ applied: false, orderId: p.id });
    await s.B.commit();

    expect(await ledgerTxs("order_paid", p.id)).toBe(1);
    expect((await entriesOf(q.queueId)).length).toBe(1);
    await expectLedgerClean();
  });

  it("a drain that waits past lock_timeout gives up cleanly: rolled back, retryable, nothing paid twice", async () => {
    const q = await queue();
    const x = await makeCustomer();
    const o1 = await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    const [e1] = await entriesOf(q.queueId);
    const s = await sessions("A", "B");

    await s.A.begin();
    await s.A.step("leave entry 1", leave(e1!.id, x)); // holds the queue lock and does not commit yet
    await s.B.begin();
    await s.B.step("set lock_timeout 200ms", (tx) => tx.execute(sql`set local lock_timeout = '200ms'`));
    const d = s.B.run("drain", drain(q.queueId));
    expect(await d.blocks()).toEqual(["A"]);
    const err = await d.givesUp();
    expect(unavailableReason(err)).toBe("lock_timeout"); // a 503 with Retry-After at the edge
    await s.B.rollback();
    await s.A.commit();
    // The retry, after A's commit, finds the entry left: nothing to pay.
    await s.B.begin();
    expect(await s.B.step("drain again", drain(q.queueId))).toEqual({ paid: 0, paidFen: 0, more: false });
    await s.B.commit();

    expect(await payoutsOf(e1!.id)).toBe(0);
    expect(await ledgerTxs("exit_compensation", o1.orderId)).toBe(1);
    await expectLedgerClean();
  });

  it("a payment racing a leave of the head joins behind it; the later drain pays the new entry in FIFO order", async () => {
    const q = await queue();
    const [x, y] = [await makeCustomer(), await makeCustomer()];
    await placePaidOrder(x, q.merchantId, 10_000, { drain: false });
    const [e1] = await entriesOf(q.queueId);
    const p = await pendingOrder(y, q.merchantId);
    const s = await sessions("A", "B");

    await s.A.begin();
    await s.A.step("leave the head", leave(e1!.id, x));
    await s.B.begin();
    const payment = s.B.run("pay new order", pay(p));
    expect(await payment.blocks()).toEqual(["A"]);
    await s.A.commit();
    await payment.completes();
    await s.B.commit();
    await s.A.begin();
    expect(await s.A.step("drain", drain(q.queueId))).toEqual({ paid: 1, paidFen: 1000, more: false });
    await s.A.commit();

    const entries = await entriesOf(q.queueId);
    expect(entries.map((e) => [e.position, e.customerId, e.status])).toEqual([
      [1, x, "left"],
      [2, y, "paid"],
    ]);
    // 1300 + 1300 into the pool, 100 of compensation and 1000 paid out.
    expect(await balanceOf({ queueId: q.queueId }, "pool")).toBe(2600 - 100 - 1000);
    await expectLedgerClean();
  });
});
