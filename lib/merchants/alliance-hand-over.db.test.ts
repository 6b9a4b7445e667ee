import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { refundOrder } from "@/lib/orders/refund";
import { drainQueue } from "@/lib/queue/drain";
import { leaveQueue } from "@/lib/queue/leave";
import { customerEntries } from "@/lib/queue/position";
import { balanceOf, entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { Scheduler } from "@/lib/testing/interleave";
import { expectLedgerClean } from "@/lib/testing/verify";
import { allianceOf, dissolveAlliance, formAlliance, joinAlliance, listAlliances } from "./alliances";
import { approvedStore } from "./store";

afterAll(expectLedgerClean);

let n = 0;
const uniqueName = (p: string) => `${p}-${process.pid}-${Date.now() % 1_000_000}-${++n}`;

// unitCapFen 0: one entry per order, its target the order's amount; 13% of it feeds the pool.
const store = () => makeStore({ unitCapFen: 0 });

/** A customer's one waiting entry as the customer sees it. */
async function standing(customerId: number) {
  const [e] = (await customerEntries(customerId)).filter((x) => x.status === "waiting");
  if (!e) throw new Error(`customer ${customerId} has no waiting entry`);
  return { id: e.id, queueId: e.queueId, position: e.position, aheadFen: e.aheadFen, coveredFen: e.coveredFen };
}

/** One customer with one paid order, its entry waiting. */
async function waiter(merchantId: number, amountFen: number) {
  const c = await makeCustomer();
  const paid = await placePaidOrder(c, merchantId, amountFen, { drain: false });
  return { customer: c, orderId: paid.orderId };
}

const waitingIn = async (queueId: number) => (await entriesOf(queueId)).filter((e) => e.status === "waiting");

async function pools(queueIds: number[]) {
  let sum = 0;
  for (const q of queueIds) sum += await balanceOf({ queueId: q }, "pool");
  return sum;
}

const form = (operator: number, ids: number[]) =>
  inTransaction((tx) => formAlliance(tx, { name: uniqueName("联盟"), merchantIds: ids, operatorId: operator }));
const dissolve = (operator: number, allianceId: number) => inTransaction((tx) => dissolveAlliance(tx, { allianceId, operatorId: operator }));

describe("forming with busy stores", () => {
  it("merges their waiting entries by arrival, keeps each entry's id, and moves both pools by pool transfers", async () => {
    const operator = await makeCustomer("operator");
    const a = await store();
    const b = await store();
    const a1 = await waiter(a.id, 5_000); // pool 650
    const b1 = await waiter(b.id, 6_000); // pool 780
    const a2 = await waiter(a.id, 7_000); // pool 910: a holds 1560, less than its head
    const before = await Promise.all([a1, b1, a2].map((w) => standing(w.customer)));

    const formed = await form(operator, [a.id, b.id]);
    expect(formed.drainDue).toBe(false);
    expect(formed.members.find((m) => m.merchantId === a.id)).toMatchObject({ oldPoolFen: 1_560, movedEntries: 2, movedFen: 12_000 });
    expect(formed.members.find((m) => m.merchantId === b.id)).toMatchObject({ oldPoolFen: 780, movedEntries: 1, movedFen: 6_000 });

    expect((await waitingIn(formed.queueId)).map((e) => e.orderId)).toEqual([a1.orderId, b1.orderId, a2.orderId]);
    expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(2_340);
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(0);
    expect(await balanceOf({ queueId: b.queueId! }, "pool")).toBe(0);
    // What the old queues keep: one `moved` place for each entry that left.
    expect((await entriesOf(a.queueId!)).map((e) => e.status)).toEqual(["moved", "moved"]);

    const after = await Promise.all([a1, b1, a2].map((w) => standing(w.customer)));
    expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
    expect(after.map((e) => [e.queueId, e.position, e.aheadFen])).toEqual([
      [formed.queueId, 1, 0],
      [formed.queueId, 2, 5_000],
      [formed.queueId, 3, 11_000],
    ]);
    // The head had 650 of its target covered in its own queue and now has the shared pool's 2340.
    expect(after[0]!.coveredFen).toBe(2_340);

    // A new order at either store waits behind them.
    const late = await waiter(b.id, 1_000);
    expect(await standing(late.customer)).toMatchObject({ queueId: formed.queueId, position: 4 });
    const audit = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from audit_log where action = 'alliance.form' and subject_id = ${String(formed.alliance.id)}
        and details->'members' @> ${JSON.stringify([{ merchantId: a.id, movedEntries: 2 }])}::jsonb`);
    expect(Number(audit.rows[0]!.n)).toBe(1);
    await expectLedgerClean();
  });

  it("adds a drain when the pools together cover the head", async () => {
    const operator = await makeCustomer("operator");
    const a = await store();
    const b = await store();
    const a1 = await waiter(a.id, 5_000); // pool 650
    await waiter(b.id, 35_000); // pool 4550: together 5200 cover a's 5000 head
    const formed = await form(operator, [a.id, b.id]);
    expect(formed.drainDue).toBe(true);
    expect(await drainQueue(formed.queueId)).toMatchObject({ paid: 1, paidFen: 5_000 });
    expect(await balanceOf({ userId: a1.customer }, "wallet")).toBe(5_000);
    await expectLedgerClean();
  });
});

describe("joining an existing alliance", () => {
  it("puts the store's entries behind everyone already waiting, in their own order, with its pool", async () => {
    const operator = await makeCustomer("operator");
    const x = await store();
    const y = await store();
    const formed = await form(operator, [x.id, y.id]);
    const x1 = await waiter(x.id, 5_000); // shared pool 650
    const z = await store();
    const z1 = await waiter(z.id, 4_000);
    const z2 = await waiter(z.id, 3_000); // z pool 910
    const x1Before = await standing(x1.customer);

    const joined = await inTransaction((tx) => joinAlliance(tx, { allianceId: formed.alliance.id, merchantId: z.id, operatorId: operator }));
    expect(joined.member).toMatchObject({ merchantId: z.id, oldPoolFen: 910, movedEntries: 2, movedFen: 7_000 });
    expect((await waitingIn(formed.queueId)).map((e) => e.orderId)).toEqual([x1.orderId, z1.orderId, z2.orderId]);
    // Nobody already waiting has anyone new ahead, and the pool they share only grew.
    const x1After = await standing(x1.customer);
    expect([x1After.position, x1After.aheadFen]).toEqual([x1Before.position, x1Before.aheadFen]);
    expect(x1After.coveredFen!).toBeGreaterThanOrEqual(x1Before.coveredFen!);
    expect(await standing(z2.customer)).toMatchObject({ queueId: formed.queueId, position: 3, aheadFen: 9_000 });
    expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(1_560);
    expect((await approvedStore(db, { merchantId: z.id })).queueId).toBe(formed.queueId);

    await expect(inTransaction((tx) => joinAlliance(tx, { allianceId: formed.alliance.id, merchantId: z.id, operatorId: operator }))).rejects.toMatchObject({
      message: "alliance.alreadyIn",
    });
    const other = await store();
    await expect(inTransaction((tx) => joinAlliance(tx, { allianceId: formed.alliance.id, merchantId: other.id, operatorId: x1.customer }))).rejects.toMatchObject({
      code: "forbidden",
    });
    await expectLedgerClean();
  });
});

describe("dissolving", () => {
  it("gives each store its own queue back, its entries in order, and the pool as the shared queue covered them", async () => {
    const operator = await makeCustomer("operator");
    const a = await store();
    const b = await store();
    const formed = await form(operator, [a.id, b.id]);
    const a1 = await waiter(a.id, 5_000);
    const b1 = await waiter(b.id, 6_000);
    const a2 = await waiter(a.id, 7_000); // shared pool 650 + 780 + 910 = 2340, all of it covering a1
    const queues = [formed.queueId, a.queueId!, b.queueId!];
    const total = await pools(queues);
    const a1Before = await standing(a1.customer);

    const done = await dissolve(operator, formed.alliance.id);
    expect(done.poolFen).toBe(2_340);
    expect(done.members.find((m) => m.merchantId === a.id)).toMatchObject({ queueId: a.queueId, movedEntries: 2, movedFen: 12_000, poolFen: 2_340 });
    expect(done.members.find((m) => m.merchantId === b.id)).toMatchObject({ queueId: b.queueId, movedEntries: 1, movedFen: 6_000, poolFen: 0 });
    expect(await pools(queues)).toBe(total);
    expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(0);
    expect(await waitingIn(formed.queueId)).toEqual([]);

    expect((await waitingIn(a.queueId!)).map((e) => e.orderId)).toEqual([a1.orderId, a2.orderId]);
    expect((await waitingIn(b.queueId!)).map((e) => e.orderId)).toEqual([b1.orderId]);
    const a1After = await standing(a1.customer);
    expect(a1After).toMatchObject({ id: a1Before.id, queueId: a.queueId, position: 1, aheadFen: 0, coveredFen: a1Before.coveredFen });
    expect(await standing(a2.customer)).toMatchObject({ queueId: a.queueId, position: 2, aheadFen: 5_000 });
    expect(await standing(b1.customer)).toMatchObject({ queueId: b.queueId, position: 1, aheadFen: 0 });

    expect((await approvedStore(db, { merchantId: a.id })).queueId).toBe(a.queueId);
    expect(await allianceOf(a.id)).toBeNull();
    expect((await listAlliances()).some((x) => x.id === formed.alliance.id)).toBe(false);
    const late = await waiter(b.id, 1_000);
    expect(await standing(late.customer)).toMatchObject({ queueId: b.queueId, position: 2 });

    // The moved orders can still be refunded and their entries left, from the pools that now hold them.
    await inTransaction((tx) => refundOrder(tx, { orderId: b1.orderId, actor: { userId: operator, role: "operator" }, reason: "测试" }));
    const a2Entry = (await standing(a2.customer)).id;
    await inTransaction((tx) => leaveQueue(tx, { entryId: a2Entry, customerId: a2.customer }));

    await expect(dissolve(operator, formed.alliance.id)).rejects.toMatchObject({ code: "conflict", message: "alliance.dissolved" });
    await expect(dissolve(a1.customer, formed.alliance.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(dissolve(operator, 987_654_321)).rejects.toMatchObject({ code: "not_found" });
    const audit = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from audit_log where action = 'alliance.dissolve' and subject_id = ${String(formed.alliance.id)} and actor_user_id = ${operator}`);
    expect(Number(audit.rows[0]!.n)).toBe(1);

    // The stores can form a new alliance, and their entries move again.
    const again = await form(operator, [a.id, b.id]);
    expect((await waitingIn(again.queueId)).map((e) => e.orderId).sort()).toEqual([a1.orderId, late.orderId].sort());
    await expectLedgerClean();
  });

  it("a store's entries that went into an alliance and came back, and go in again, keep the books clean", async () => {
    // The round trip the operator's journey makes: waiting in the store's own queue, moved into an
    // alliance, back to the same queue at the dissolve (behind the place they left), and out again.
    const operator = await makeCustomer("operator");
    const a = await store();
    const b = await store();
    const a1 = await waiter(a.id, 5_000);
    const b1 = await waiter(b.id, 3_000);
    const first = await form(operator, [a.id, b.id]);
    expect((await waitingIn(first.queueId)).map((e) => e.orderId).sort()).toEqual([a1.orderId, b1.orderId].sort());
    await dissolve(operator, first.alliance.id);
    expect((await waitingIn(a.queueId!)).map((e) => e.orderId)).toEqual([a1.orderId]);
    expect(await standing(a1.customer)).toMatchObject({ queueId: a.queueId, position: 1 });
    await expectLedgerClean();
    const second = await form(operator, [a.id, b.id]);
    expect((await waitingIn(second.queueId)).map((e) => e.orderId).sort()).toEqual([a1.orderId, b1.orderId].sort());
    await expectLedgerClean();
  });

  it("splits a pool nobody waits for by what each store paid in", async () => {
    const operator = await makeCustomer("operator");
    const a = await makeStore({ minOrderFen: 1_000_000 }); // no entry: orders only feed the pool
    const b = await makeStore({ minOrderFen: 1_000_000 });
    const formed = await form(operator, [a.id, b.id]);
    await placePaidOrder(await makeCustomer(), a.id, 10_000); // 1300 to the pool
    await placePaidOrder(await makeCustomer(), b.id, 30_000); // 3900
    const done = await dissolve(operator, formed.alliance.id);
    expect(Object.fromEntries(done.members.map((m) => [m.merchantId, m.poolFen]))).toEqual({ [a.id]: 1_300, [b.id]: 3_900 });
    await expectLedgerClean();
  });
});

describe("racing", () => {
  async function pendingOrder(merchantId: number) {
    const c = await makeCustomer();
    const { order } = await inTransaction((tx) =>
      createPendingOrder(tx, { customerId: c, merchantId, amountFen: 5_000, idempotencyKey: randomUUID(), provider: "dev" }),
    );
    return order;
  }

  it("a payment racing a dissolve lands in its store's own queue, and no fen is lost", async () => {
    const operator = await makeCustomer("operator");
    for (let round = 0; round < 6; round++) {
      const a = await store();
      const b = await store();
      const formed = await form(operator, [a.id, b.id]);
      await waiter(b.id, 6_000); // something to split
      const order = await pendingOrder(a.id);
      const queues = [formed.queueId, a.queueId!, b.queueId!];
      const total = await pools(queues);
      const [d, p] = await Promise.allSettled([
        dissolve(operator, formed.alliance.id),
        inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: "t" })),
      ]);
      expect([d.status, p.status]).toEqual(["fulfilled", "fulfilled"]);
      expect((await waitingIn(a.queueId!)).map((e) => e.orderId)).toEqual([order.id]);
      expect(await waitingIn(formed.queueId)).toEqual([]);
      expect(await pools(queues)).toBe(total + 650);
      expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(0);
    }
    await expectLedgerClean();
  });

  it("a payment racing a join lands in the alliance queue, and the store's pool follows it", async () => {
    const operator = await makeCustomer("operator");
    for (let round = 0; round < 6; round++) {
      const formed = await form(operator, [(await store()).id, (await store()).id]);
      const z = await store();
      const order = await pendingOrder(z.id);
      const [j, p] = await Promise.allSettled([
        inTransaction((tx) => joinAlliance(tx, { allianceId: formed.alliance.id, merchantId: z.id, operatorId: operator })),
        inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: "t" })),
      ]);
      expect([j.status, p.status]).toEqual(["fulfilled", "fulfilled"]);
      expect((await waitingIn(formed.queueId)).map((e) => e.orderId)).toEqual([order.id]);
      expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(650);
      expect(await balanceOf({ queueId: z.queueId! }, "pool")).toBe(0);
    }
    await expectLedgerClean();
  });

  it("leaving and refunding racing a dissolve settle the entry from the queue it is in when they get its lock", async () => {
    const operator = await makeCustomer("operator");
    for (let round = 0; round < 4; round++) {
      const a = await store();
      const b = await store();
      const formed = await form(operator, [a.id, b.id]);
      const leaver = await waiter(a.id, 5_000);
      const refunded = await waiter(b.id, 6_000);
      const entryId = (await standing(leaver.customer)).id;
      const results = await Promise.allSettled([
        dissolve(operator, formed.alliance.id),
        inTransaction((tx) => leaveQueue(tx, { entryId, customerId: leaver.customer })),
        inTransaction((tx) => refundOrder(tx, { orderId: refunded.orderId, actor: { userId: operator, role: "operator" }, reason: "测试" })),
      ]);
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : r.status))).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      for (const q of [formed.queueId, a.queueId!, b.queueId!]) expect(await waitingIn(q)).toEqual([]);
      expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(0);
    }
    await expectLedgerClean();
  });

  describe("step by step", () => {
    let open: Scheduler | undefined;
    afterEach(async () => {
      await open?.close();
      open = undefined;
    });

    it("a leave and a refund that waited for the shared queue's lock through a dissolve are run again against the entries' own queues", async () => {
      const operator = await makeCustomer("operator");
      const a = await store();
      const b = await store();
      const formed = await form(operator, [a.id, b.id]);
      const leaver = await waiter(a.id, 5_000);
      const refunded = await waiter(b.id, 6_000);
      const entryId = (await standing(leaver.customer)).id;
      const s = await Scheduler.open(["A", "B", "C"]);
      open = s;

      await s.A.begin();
      await s.A.step("dissolve", (tx) => dissolveAlliance(tx, { allianceId: formed.alliance.id, operatorId: operator }));
      await s.B.begin();
      const leave = s.B.run("leave", (tx) => leaveQueue(tx, { entryId, customerId: leaver.customer }));
      expect(await leave.blocks()).toEqual(["A"]);
      await s.C.begin();
      const refund = s.C.run("refund", (tx) => refundOrder(tx, { orderId: refunded.orderId, actor: { userId: operator, role: "operator" }, reason: "测试" }));
      await refund.blocks(); // behind A, or queued behind B on the same pool row
      await s.A.commit();
      // Both locked the shared queue, whose pool no longer holds their money: retryable, nothing written.
      expect(await leave.fails()).toMatchObject({ name: "EntryMovedError", code: "40001" });
      await s.B.rollback();
      expect(await refund.fails()).toMatchObject({ name: "EntryMovedError", code: "40001" });
      await s.C.rollback();

      // Run again (inTransaction does so by itself), they settle from the stores' own queues.
      expect(await inTransaction((tx) => leaveQueue(tx, { entryId, customerId: leaver.customer }))).toMatchObject({ outcome: "left", queueId: a.queueId });
      expect(await inTransaction((tx) => refundOrder(tx, { orderId: refunded.orderId, actor: { userId: operator, role: "operator" }, reason: "测试" }))).toMatchObject({
        queueId: b.queueId,
        cancelledEntries: 1,
      });
      await expectLedgerClean();
    });
  });
});
