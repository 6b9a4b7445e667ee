import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { merchants } from "@/db/schema";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { drainQueue } from "@/lib/queue/drain";
import { balanceOf, entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { allianceCandidates, allianceOf, allianceOfQueue, formAlliance, listAlliances, queueMembers } from "./alliances";
import { approvedStore } from "./store";

afterAll(expectLedgerClean);

let n = 0;
const uniqueName = (p: string) => `${p}-${process.pid}-${Date.now() % 1_000_000}-${++n}`;

async function merchantEntries(queueId: number) {
  const res = await db.execute<{ id: number; position: number; merchant_id: number; customer_id: number; status: string; paid_kind: string | null }>(
    sql`select id, position, merchant_id, customer_id, status, paid_kind from queue_entries where queue_id = ${queueId} order by position`,
  );
  return res.rows.map((r) => ({ ...r, id: Number(r.id), position: Number(r.position), merchant_id: Number(r.merchant_id), customer_id: Number(r.customer_id) }));
}

async function pending(customerId: number, merchantId: number, amountFen: number) {
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, { customerId, merchantId, amountFen, idempotencyKey: randomUUID(), provider: "dev" }),
  );
  return order;
}

describe("formAlliance", () => {
  it("creates a shared queue and pool, points every member at it, and audits it", async () => {
    const operator = await makeCustomer("operator");
    const a = await makeStore();
    const b = await makeStore();
    const name = uniqueName("街角联盟");
    const formed = await inTransaction((tx) => formAlliance(tx, { name, merchantIds: [b.id, a.id, a.id], operatorId: operator }));

    expect(formed.alliance).toMatchObject({ name, queueId: formed.queueId, createdByUserId: operator });
    expect(formed.members.map((m) => ({ id: m.merchantId, old: m.oldQueueId })).sort((x, y) => x.id - y.id)).toEqual(
      [{ id: a.id, old: a.queueId }, { id: b.id, old: b.queueId }].sort((x, y) => x.id - y.id),
    );
    expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(0);
    for (const m of [a, b]) expect((await approvedStore(db, { merchantId: m.id })).queueId).toBe(formed.queueId);

    const members = await queueMembers(formed.queueId);
    expect(members.map((m) => m.merchantId).sort()).toEqual([a.id, b.id].sort());
    expect(await allianceOf(a.id)).toMatchObject({ id: formed.alliance.id, name, queueId: formed.queueId });
    expect((await allianceOf(b.id))?.members).toHaveLength(2);
    expect(await allianceOfQueue(formed.queueId)).toMatchObject({ id: formed.alliance.id });
    expect(await allianceOfQueue(a.queueId!)).toBeNull();
    const listed = (await listAlliances()).find((x) => x.id === formed.alliance.id);
    expect(listed).toMatchObject({ name, poolFen: 0, waitingCount: 0, payoutMode: "auto" });
    expect((await allianceCandidates()).some((c) => c.merchantId === a.id)).toBe(false);

    const audit = await db.execute<{ actor_user_id: number; details: { members: unknown[]; queueId: number } }>(
      sql`select actor_user_id, details from audit_log where action = 'alliance.form' and subject_id = ${String(formed.alliance.id)}`,
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.actor_user_id).toBe(operator);
    expect(audit.rows[0]!.details.queueId).toBe(formed.queueId);
    expect(audit.rows[0]!.details.members).toHaveLength(2);
  });

  it("is FIFO across its members: positions in commit order, the drain pays across stores in order", async () => {
    const operator = await makeCustomer("operator");
    const a = await makeStore({ unitCapFen: 0 });
    const b = await makeStore({ unitCapFen: 0, rebateBps: 3000 });
    const { queueId } = await inTransaction((tx) =>
      formAlliance(tx, { name: uniqueName("联盟"), merchantIds: [a.id, b.id], operatorId: operator, payoutMode: "manual" }),
    );
    const customers = await Promise.all(Array.from({ length: 6 }, () => makeCustomer()));
    // Interleave: A, B, B, A, B, A. Each ¥50 (target 5000).
    const order = [a, b, b, a, b, a];
    for (let i = 0; i < order.length; i++) {
      const paid = await placePaidOrder(customers[i]!, order[i]!.id, 5_000);
      expect(paid.queueId).toBe(queueId);
    }
    const entries = await merchantEntries(queueId);
    expect(entries.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(entries.map((e) => e.merchant_id)).toEqual(order.map((m) => m.id));
    expect(entries.map((e) => e.customer_id)).toEqual(customers);
    // The old queues get nothing new.
    expect(await entriesOf(a.queueId!)).toEqual([]);
    expect(await entriesOf(b.queueId!)).toEqual([]);
    // Pool: A's orders give 13% (650 each), B's (rebate 30%: 1500 − 150 fee − 375 points) 975 each.
    expect(await balanceOf({ queueId }, "pool")).toBe(3 * 650 + 3 * 975);
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(0);

    // 4875 does not cover the head (5000): nothing is paid, and nothing behind it either.
    expect(await drainQueue(queueId)).toMatchObject({ paid: 0 });
    // A ¥600 order at B adds 11700 → 16575: the first three entries (A, B, B), then it stops at A's.
    const filler = await makeCustomer();
    await placePaidOrder(filler, b.id, 60_000, { drain: false });
    expect(await drainQueue(queueId)).toMatchObject({ paid: 3, paidFen: 15_000 });
    const after = await merchantEntries(queueId);
    expect(after.map((e) => e.status)).toEqual(["paid", "paid", "paid", "waiting", "waiting", "waiting", "waiting"]);
    for (let i = 0; i < 3; i++) expect(await balanceOf({ userId: customers[i]! }, "wallet")).toBe(5_000);
    expect(await balanceOf({ userId: customers[3]! }, "wallet")).toBe(0);
    expect(await balanceOf({ queueId }, "pool")).toBe(1_575);
    await expectLedgerClean();
  });

  it("concurrent orders at two members get gap-free positions and drain in position order", async () => {
    const operator = await makeCustomer("operator");
    const a = await makeStore({ unitCapFen: 0 });
    const b = await makeStore({ unitCapFen: 0 });
    const { queueId } = await inTransaction((tx) => formAlliance(tx, { name: uniqueName("并发联盟"), merchantIds: [a.id, b.id], operatorId: operator }));
    const customers = await Promise.all(Array.from({ length: 8 }, () => makeCustomer()));
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      work.push(placePaidOrder(customers[i % 8]!, (i % 2 ? a : b).id, 1_000 + (i % 5) * 1_000, { drain: false }));
      if (i % 8 === 0) work.push(drainQueue(queueId));
    }
    const settled = await Promise.allSettled(work);
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    await drainQueue(queueId);
    const entries = await merchantEntries(queueId);
    expect(entries.map((e) => e.position)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.merchant_id))).toEqual(new Set([a.id, b.id]));
    const firstWaiting = entries.findIndex((e) => e.status === "waiting");
    expect(firstWaiting).toBeGreaterThan(0);
    expect(entries.slice(firstWaiting).every((e) => e.status === "waiting")).toBe(true);
    await expectLedgerClean();
  });

  it("refuses unapproved or already allied stores, a taken name, too few members, non-operators", async () => {
    const operator = await makeCustomer("operator");
    const free = await makeStore();
    const c = await makeCustomer();
    const attempt = (ids: number[], name = uniqueName("x"), op = operator) =>
      inTransaction((tx) => formAlliance(tx, { name, merchantIds: ids, operatorId: op }));

    await expect(attempt([free.id])).rejects.toMatchObject({ code: "invalid_input" });
    await expect(attempt([free.id, free.id])).rejects.toMatchObject({ code: "invalid_input" });
    await expect(attempt([free.id, 987_654_321])).rejects.toMatchObject({ code: "not_found" });
    await expect(attempt([free.id, (await makeStore()).id], "  ")).rejects.toMatchObject({ code: "invalid_input", field: "name" });
    await expect(attempt([free.id, (await makeStore()).id], uniqueName("y"), c)).rejects.toMatchObject({ code: "forbidden" });

    const unapproved = await makeStore();
    await db.update(merchants).set({ status: "pending" }).where(sql`id = ${unapproved.id}`);
    await expect(attempt([free.id, unapproved.id])).rejects.toMatchObject({ code: "not_allowed" });
    // Nothing was written by the refused attempt.
    expect((await approvedStore(db, { merchantId: free.id })).queueId).toBe(free.queueId);

    const other = await makeStore();
    const name = uniqueName("已有联盟");
    await attempt([free.id, other.id], name);
    await expect(attempt([free.id, (await makeStore()).id])).rejects.toThrow("alliance.alreadyIn");
    const x = await makeStore();
    const y = await makeStore();
    await expect(attempt([x.id, y.id], name.toUpperCase())).rejects.toMatchObject({ code: "conflict", field: "name" });
    await expectLedgerClean();
  });

  it("moves a store's old pool leftover into the alliance pool by a pool transfer; new orders feed the alliance pool", async () => {
    const operator = await makeCustomer("operator");
    // free_bps 1000: a ¥100 order has target 1000 and gives 1300 to the pool, so it drains at once.
    const a = await makeStore({ freeBps: 1000, unitCapFen: 0 });
    const b = await makeStore();
    const c = await makeCustomer();
    await placePaidOrder(c, a.id, 10_000);
    expect(await balanceOf({ userId: c }, "wallet")).toBe(1_000);
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(300);

    const formed = await inTransaction((tx) => formAlliance(tx, { name: uniqueName("余额联盟"), merchantIds: [a.id, b.id], operatorId: operator }));
    expect(formed.members.find((m) => m.merchantId === a.id)?.oldPoolFen).toBe(300);
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(0);
    expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(300);
    await placePaidOrder(c, a.id, 10_000, { drain: false });
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(0);
    expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(1_600);
    await drainQueue(formed.queueId);
    await expectLedgerClean();
  });

  it("re-points unpaid orders, so paying one after forming joins the alliance queue", async () => {
    const operator = await makeCustomer("operator");
    const a = await makeStore({ unitCapFen: 0 });
    const b = await makeStore({ unitCapFen: 0 });
    const c = await makeCustomer();
    const order = await pending(c, a.id, 5_000);
    expect(order.queueId).toBe(a.queueId);
    const formed = await inTransaction((tx) => formAlliance(tx, { name: uniqueName("待付联盟"), merchantIds: [a.id, b.id], operatorId: operator }));
    expect(formed.repointedOrders).toBe(1);
    const paid = await inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: "t" }));
    expect(paid.queueId).toBe(formed.queueId);
    expect((await entriesOf(formed.queueId)).map((e) => e.orderId)).toEqual([order.id]);
    expect(await entriesOf(a.queueId!)).toEqual([]);
    expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(650);
    await expectLedgerClean();
  });

  it("an order that read the store's old queue just before the alliance formed still joins the alliance queue when paid", async () => {
    // Checkout takes no lock on the store, so an order created while an alliance forms can record
    // the store's old queue after the alliance re-pointed the unpaid orders. Simulated here by
    // putting the old queue back on the order.
    const operator = await makeCustomer("operator");
    const a = await makeStore({ unitCapFen: 0 });
    const b = await makeStore({ unitCapFen: 0 });
    const c = await makeCustomer();
    const order = await pending(c, a.id, 5_000);
    const formed = await inTransaction((tx) => formAlliance(tx, { name: uniqueName("迟到订单"), merchantIds: [a.id, b.id], operatorId: operator }));
    await db.execute(sql`update orders set queue_id = ${a.queueId!} where id = ${order.id}`);
    const paid = await inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: "t" }));
    expect(paid.queueId).toBe(formed.queueId);
    expect((await entriesOf(formed.queueId)).map((e) => e.orderId)).toEqual([order.id]);
    expect(await entriesOf(a.queueId!)).toEqual([]);
    expect(await balanceOf({ queueId: formed.queueId }, "pool")).toBe(650);
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(0);
    await expectLedgerClean();
  });

  // Below the minimum an order has no unit, and its append only reads the queue's counters: the
  // check that the store still feeds the queue must refuse it all the same (it still feeds the pool).
  it.each([
    ["", 0],
    [" (an order below the minimum, with no unit)", 10_000],
  ])("a payment that locked the old queue before the alliance committed is refused under the lock and retried into the alliance queue%s", async (_, minOrderFen) => {
    const operator = await makeCustomer("operator");
    const a = await makeStore({ unitCapFen: 0 });
    const b = await makeStore({ unitCapFen: 0 });
    const c = await makeCustomer();
    const order = await pending(c, a.id, 5_000);
    await inTransaction((tx) => formAlliance(tx, { name: uniqueName("锁后变更"), merchantIds: [a.id, b.id], operatorId: operator }));
    // Paying into the old queue directly (as a payment that read the store before the alliance
    // committed would): the check under the lock refuses it with a retryable error, writing nothing.
    const err = await inTransaction(
      async (tx) => {
        const { applyPayment } = await import("@/lib/orders/pay");
        await tx.execute(sql`update orders set status = 'paid', paid_at = now() where id = ${order.id}`);
        return applyPayment(tx, { ...order, queueId: a.queueId! }, { freeBps: 1000, unitCapFen: 0, minOrderFen });
      },
      0,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "QueueMovedError", code: "40001" });
    expect(await entriesOf(a.queueId!)).toEqual([]);
    expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(0);
    await expectLedgerClean();
  });

  it("racing a payment: the entry lands in the alliance queue, directly or moved there with its pool share", async () => {
    const operator = await makeCustomer("operator");
    const outcomes = { joined: 0, moved: 0 };
    for (let round = 0; round < 8; round++) {
      const a = await makeStore({ unitCapFen: 0 });
      const b = await makeStore({ unitCapFen: 0 });
      const c = await makeCustomer();
      const order = await pending(c, a.id, 5_000);
      const [form, pay] = await Promise.allSettled([
        inTransaction((tx) => formAlliance(tx, { name: uniqueName("竞速"), merchantIds: [a.id, b.id], operatorId: operator })),
        inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: "t" })),
      ]);
      expect(pay.status).toBe("fulfilled");
      expect(form.status).toBe("fulfilled");
      if (form.status !== "fulfilled") continue;
      const old = await entriesOf(a.queueId!);
      // Paid first: the entry was moved, leaving its place behind; otherwise it never was there.
      if (old.length > 0) outcomes.moved += 1;
      else outcomes.joined += 1;
      expect(old.every((e) => e.status === "moved")).toBe(true);
      expect((await entriesOf(form.value.queueId)).map((e) => [e.orderId, e.status])).toEqual([[order.id, "waiting"]]);
      expect(await balanceOf({ queueId: a.queueId! }, "pool")).toBe(0);
      expect(await balanceOf({ queueId: form.value.queueId }, "pool")).toBe(650);
    }
    console.info(`[alliances] form vs pay race: ${JSON.stringify(outcomes)}`);
    await expectLedgerClean();
  });

  it("two alliances racing for the same store: exactly one gets it", async () => {
    const operator = await makeCustomer("operator");
    for (let round = 0; round < 5; round++) {
      const shared = await makeStore();
      const x = await makeStore();
      const y = await makeStore();
      const results = await Promise.allSettled([
        inTransaction((tx) => formAlliance(tx, { name: uniqueName("甲"), merchantIds: [shared.id, x.id], operatorId: operator })),
        inTransaction((tx) => formAlliance(tx, { name: uniqueName("乙"), merchantIds: [y.id, shared.id], operatorId: operator })),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: "not_allowed" });
      const queueId = (await approvedStore(db, { merchantId: shared.id })).queueId;
      expect(queueId).toBe((won[0] as PromiseFulfilledResult<{ queueId: number }>).value.queueId);
    }
  });
});
