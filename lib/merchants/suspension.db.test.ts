import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { createPosOrder, posOrderSchema, type PosOrderInput } from "@/lib/api/orders";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { reinstateStore, suspendStore } from "./suspension";

afterAll(expectLedgerClean);

/** Everything a suspension must leave alone: the queue's entries, the pool, every ledger row and balance. */
async function snapshot(merchantId: number, queueId: number) {
  const q = async (s: ReturnType<typeof sql>) => (await db.execute<Record<string, unknown>>(s)).rows;
  return {
    entries: await q(sql`select id, position, status, target_fen from queue_entries where queue_id = ${queueId} order by id`),
    accounts: await q(sql`select id, kind, balance from accounts where queue_id = ${queueId} or merchant_id = ${merchantId} order by id`),
    ledger: await q(sql`select count(*)::int as n, coalesce(max(id), 0) as last from ledger_entries`),
    orders: await q(sql`select id, status from orders where merchant_id = ${merchantId} order by id`),
    queue: await q(sql`select id, payout_mode, next_position from queues where id = ${queueId}`),
  };
}

const pendingOrder = (customerId: number, merchantId: number) =>
  inTransaction((tx) => createPendingOrder(tx, { customerId, merchantId, amountFen: 2000, idempotencyKey: randomUUID(), provider: "dev" }));

async function usernameOf(userId: number): Promise<string> {
  const res = await db.execute<{ username: string }>(sql`select username from users where id = ${userId}`);
  return res.rows[0]!.username;
}

describe("suspending a store", () => {
  it("refuses new orders (browser and POS) and moves nothing in the queue, pool or ledger; reinstating opens it again", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const ops = await makeCustomer("operator");
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 5000);
    await placePaidOrder(await makeCustomer(), store.id, 12_000);
    const before = await snapshot(store.id, store.queueId!);
    expect(before.entries.length).toBe(3);

    await inTransaction((tx) => suspendStore(tx, { merchantId: store.id, operatorId: ops, reason: "营业执照过期，待补交" }));
    expect(await snapshot(store.id, store.queueId!), "suspension moved nothing").toEqual(before);
    const row = await db.execute<{ suspended_reason: string; suspended_by_user_id: number }>(
      sql`select suspended_reason, suspended_by_user_id from merchants where id = ${store.id}`,
    );
    expect(row.rows[0]).toMatchObject({ suspended_reason: "营业执照过期，待补交", suspended_by_user_id: ops });

    await expect(pendingOrder(customer, store.id)).rejects.toMatchObject({ code: "not_allowed", message: "store.suspended" });
    const pos = inTransaction((tx) =>
      createPosOrder(tx, { merchantId: store.id, idempotencyKey: "till-suspended-1", input: posOrderSchema.parse({ customer: "x", amount_fen: 1000 }) as PosOrderInput }),
    );
    await expect(pos).rejects.toBeTruthy();
    const posKnown = inTransaction(async (tx) =>
      createPosOrder(tx, {
        merchantId: store.id,
        idempotencyKey: "till-suspended-2",
        input: posOrderSchema.parse({ customer: await usernameOf(customer), amount_fen: 1000 }) as PosOrderInput,
      }),
    );
    await expect(posKnown).rejects.toMatchObject({ code: "not_allowed", message: "store.suspended" });
    expect(await snapshot(store.id, store.queueId!), "refused orders wrote nothing").toEqual(before);

    const audit = await db.execute<{ action: string; reason: string | null }>(
      sql`select action, reason from audit_log where subject_type = 'merchant' and subject_id = ${String(store.id)} order by id`,
    );
    expect(audit.rows.map((r) => r.action)).toContain("merchant.suspend");

    await inTransaction((tx) => reinstateStore(tx, { merchantId: store.id, operatorId: ops, reason: "" }));
    expect(await snapshot(store.id, store.queueId!), "reinstating moved nothing").toEqual(before);
    const { order } = await pendingOrder(customer, store.id);
    expect(order.status).toBe("pending");
  });

  it("needs an operator and a reason, and decides once", async () => {
    const store = await makeStore();
    const ops = await makeCustomer("operator");
    const notOps = await makeCustomer("merchant");
    await expect(inTransaction((tx) => suspendStore(tx, { merchantId: store.id, operatorId: ops, reason: "  " }))).rejects.toMatchObject({
      message: "merchant.suspendReasonRequired",
    });
    await expect(inTransaction((tx) => suspendStore(tx, { merchantId: store.id, operatorId: notOps, reason: "x" }))).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(inTransaction((tx) => reinstateStore(tx, { merchantId: store.id, operatorId: ops, reason: "" }))).rejects.toMatchObject({
      message: "merchant.notSuspended",
    });
    await inTransaction((tx) => suspendStore(tx, { merchantId: store.id, operatorId: ops, reason: "检查" }));
    await expect(inTransaction((tx) => suspendStore(tx, { merchantId: store.id, operatorId: ops, reason: "again" }))).rejects.toMatchObject({
      message: "merchant.alreadySuspended",
    });
  });

  it("lets a waiting customer leave and an order paid before the suspension be paid", async () => {
    const store = await makeStore();
    const ops = await makeCustomer("operator");
    const customer = await makeCustomer();
    // Created (checkout started) before the suspension, paid after it: the money was taken, so it counts.
    const { order } = await pendingOrder(customer, store.id);
    await inTransaction((tx) => suspendStore(tx, { merchantId: store.id, operatorId: ops, reason: "检查" }));
    const paid = await inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `t-${order.id}` }));
    expect(paid.queueId).toBe(store.queueId);
  });
});
