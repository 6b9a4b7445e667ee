import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { databaseUrl } from "@/lib/env";
import { balanceOf, entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { drainQueue } from "@/lib/queue/drain";
import { createPosOrder, posOrderSchema, type PosOrderInput } from "./orders";

afterAll(expectLedgerClean);

async function usernameOf(userId: number): Promise<string> {
  const res = await db.execute<{ username: string }>(sql`select username from users where id = ${userId}`);
  return res.rows[0]!.username;
}

const post = (merchantId: number, idempotencyKey: string, body: unknown) =>
  inTransaction((tx) => createPosOrder(tx, { merchantId, idempotencyKey, input: posOrderSchema.parse(body) as PosOrderInput }));

async function ordersWithKey(merchantId: number, key: string) {
  const res = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from orders where merchant_id = ${merchantId} and idempotency_key = ${`pos:${merchantId}:${key}`}`,
  );
  return res.rows[0]!.n;
}

describe("POS orders", () => {
  it("creates and confirms the order at once, with entries, places and points", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const name = await usernameOf(customer);
    // Someone is already waiting: the POS order's first unit is second in line.
    await placePaidOrder(await makeCustomer(), store.id, 5000);

    const res = await post(store.id, "till-1-0001", { customer: name.toUpperCase(), amount_fen: 25_000, pos_ref: "R-42" });
    expect(res.status).toBe(201);
    expect(res.replayed).toBe(false);
    expect(res.body).toMatchObject({ status: "paid", amount_fen: 25_000, points_earned: 1250, pos_ref: "R-42" });
    expect(res.body.entries.map((e) => [e.position, e.target_fen])).toEqual([
      [2, 10_000],
      [3, 10_000],
      [4, 5_000],
    ]);
    const queued = await entriesOf(store.queueId!);
    expect(res.body.entries.map((e) => e.id)).toEqual(queued.filter((e) => e.customerId === customer).map((e) => e.id));

    const order = await db.execute<{ status: string; provider: string; provider_ref: string; customer_id: number }>(
      sql`select status, provider, provider_ref, customer_id from orders where order_no = ${res.body.order_no}`,
    );
    expect(order.rows[0]).toMatchObject({ status: "paid", provider: "pos", provider_ref: "R-42" });
    expect(Number(order.rows[0]!.customer_id)).toBe(customer);
    expect(await balanceOf({ userId: customer }, "points_locked")).toBe(1250);
  });

  it("replays the first response for the same key and body, and posts nothing again (I7)", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const name = await usernameOf(await makeCustomer());
    const key = randomUUID();
    const first = await post(store.id, key, { customer: name, amount_fen: 3000 });
    const poolAfterFirst = await balanceOf({ queueId: store.queueId! }, "pool");
    // The same body, spelled differently (case, spacing), is the same request.
    const again = await post(store.id, key, { amount_fen: 3000, customer: `  ${name.toUpperCase()} ` });
    expect(again).toEqual({ ...first, replayed: true, drainQueueId: null });
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    expect(await ordersWithKey(store.id, key)).toBe(1);
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(poolAfterFirst);
    expect(await entriesOf(store.queueId!)).toHaveLength(1);
  });

  it("answers 409 for the same key with another body, and changes nothing", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const name = await usernameOf(await makeCustomer());
    const key = randomUUID();
    await post(store.id, key, { customer: name, amount_fen: 3000 });
    for (const other of [{ customer: name, amount_fen: 3001 }, { customer: name, amount_fen: 3000, pos_ref: "x" }]) {
      await expect(post(store.id, key, other)).rejects.toMatchObject({ code: "idempotency_conflict", status: 409 });
    }
    expect(await ordersWithKey(store.id, key)).toBe(1);
    expect(await entriesOf(store.queueId!)).toHaveLength(1);
  });

  it("concurrent requests with one key create one order, and all get its response", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const name = await usernameOf(await makeCustomer());
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 6 }, () => post(store.id, key, { customer: name, amount_fen: 12_000 })));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(await ordersWithKey(store.id, key)).toBe(1);
    expect(await entriesOf(store.queueId!)).toHaveLength(2);
    await expectLedgerClean();
  });

  it("an order too small for a unit stores and replays an answer with no entries", async () => {
    const store = await makeStore({ payoutMode: "manual", minOrderFen: 50_000 });
    const name = await usernameOf(await makeCustomer());
    const key = randomUUID();
    const first = await post(store.id, key, { customer: name, amount_fen: 2000 });
    expect(first.body.entries).toEqual([]);
    const again = await post(store.id, key, { customer: name, amount_fen: 2000 });
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    expect(again.replayed).toBe(true);
  });

  it("concurrent orders, one customer at two stores and many at one: no deadlock, places as committed, replays equal", async () => {
    const a = await makeStore({ payoutMode: "manual" });
    const b = await makeStore({ payoutMode: "manual" });
    const same = await usernameOf(await makeCustomer());
    const others = await Promise.all(Array.from({ length: 8 }, async () => usernameOf(await makeCustomer())));
    // Without retries: a deadlock or a serialization failure would fail the test, not be hidden.
    const once = (merchantId: number, key: string, body: unknown) =>
      inTransaction((tx) => createPosOrder(tx, { merchantId, idempotencyKey: key, input: posOrderSchema.parse(body) as PosOrderInput }), 0);
    const requests = [
      ...Array.from({ length: 16 }, (_, i) => ({ merchantId: i % 2 ? a.id : b.id, customer: same })),
      ...others.map((customer) => ({ merchantId: a.id, customer })),
    ].map((r) => ({ ...r, key: randomUUID() }));
    // One unit each (under the default unit cap), so an answer's place is its entry's position.
    const answers = await Promise.all(requests.map((r) => once(r.merchantId, r.key, { customer: r.customer, amount_fen: 5000 })));
    for (const [store, n] of [[a, 16], [b, 8]] as const) {
      const queued = await entriesOf(store.queueId!);
      expect(queued.map((e) => e.position)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      const answered = answers.filter((_, i) => requests[i]!.merchantId === store.id).flatMap((r) => r.body.entries);
      expect(answered.map((e) => e.position).sort((x, y) => x - y)).toEqual(queued.map((e) => e.position));
      for (const e of answered) expect(queued.find((q) => q.id === e.id)?.position).toBe(e.position);
    }
    const replays = await Promise.all(requests.map((r) => once(r.merchantId, r.key, { customer: r.customer, amount_fen: 5000 })));
    replays.forEach((r, i) => {
      expect(r.replayed).toBe(true);
      expect(JSON.stringify(r.body)).toBe(JSON.stringify(answers[i]!.body));
    });
    await expectLedgerClean();
  });

  it("keys are per store: the same key at two stores makes two orders", async () => {
    const a = await makeStore({ payoutMode: "manual" });
    const b = await makeStore({ payoutMode: "manual" });
    const name = await usernameOf(await makeCustomer());
    const ra = await post(a.id, "shared-key", { customer: name, amount_fen: 2000 });
    const rb = await post(b.id, "shared-key", { customer: name, amount_fen: 2000 });
    expect(ra.body.order_no).not.toBe(rb.body.order_no);
    expect(rb.replayed).toBe(false);
  });

  it("an unknown customer stores nothing, so the key may be retried", async () => {
    const store = await makeStore();
    const key = randomUUID();
    await expect(post(store.id, key, { customer: "no_such_person_here", amount_fen: 2000 })).rejects.toMatchObject({
      code: "unknown_customer",
      status: 422,
    });
    const name = await usernameOf(await makeCustomer());
    await expect(post(store.id, key, { customer: name, amount_fen: 2000 })).resolves.toMatchObject({ status: 201, replayed: false });
  });

  it("a store not open for orders is refused, and the key is left unclaimed", async () => {
    const store = await makeStore();
    const name = await usernameOf(await makeCustomer());
    await db.execute(sql`update merchants set status = 'rejected' where id = ${store.id}`);
    const key = randomUUID();
    await expect(post(store.id, key, { customer: name, amount_fen: 2000 })).rejects.toMatchObject({ code: "not_found" });
    const claimed = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from api_idempotency where merchant_id = ${store.id} and key = ${key}`,
    );
    expect(claimed.rows[0]!.n).toBe(0);
    expect(await ordersWithKey(store.id, key)).toBe(0);
    await db.execute(sql`update merchants set status = 'approved' where id = ${store.id}`);
    await expect(post(store.id, key, { customer: name, amount_fen: 2000 })).resolves.toMatchObject({ status: 201, replayed: false });
  });

  it("an order whose store's queue moved while it waited for the lock is retried into the new queue, its stored answer with it", async () => {
    // The POS reads the store (and so its queue) before the queue lock; an alliance may re-point
    // the store meanwhile. The statement under the lock refuses the old queue (QueueMovedError),
    // which rolls back the posting, the entries and the stored answer, and the retry orders into
    // the queue the store feeds now. Simulated by holding the old queue's lock while the store is
    // re-pointed, as forming an alliance does.
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const other = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const name = await usernameOf(await makeCustomer());
    const key = randomUUID();
    const blocker = new pg.Client({ connectionString: databaseUrl() });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("select id from accounts where queue_id = $1 and kind = 'pool' for no key update", [store.queueId]);
      const myPid = Number((await blocker.query("select pg_backend_pid() as pid")).rows[0].pid);
      const order = post(store.id, key, { customer: name, amount_fen: 10_000 });
      let waiting = false;
      for (let i = 0; i < 200 && !waiting; i++) {
        const r = await blocker.query("select count(*)::int as n from pg_stat_activity where $1 = any(pg_blocking_pids(pid))", [myPid]);
        waiting = r.rows[0].n > 0;
        if (!waiting) await new Promise((res) => setTimeout(res, 25));
      }
      expect(waiting).toBe(true);
      await blocker.query("update merchants set queue_id = $1 where id = $2", [other.queueId, store.id]);
      await blocker.query("commit");

      const res = await order;
      expect(res).toMatchObject({ status: 201, replayed: false });
      expect(await entriesOf(store.queueId!)).toEqual([]);
      expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(0);
      const moved = await entriesOf(other.queueId!);
      expect(moved.map((e) => e.id)).toEqual(res.body.entries.map((e) => e.id));
      expect(await ordersWithKey(store.id, key)).toBe(1);
      // The stored answer is the retry's, not the rolled-back attempt's.
      const replay = await post(store.id, key, { customer: name, amount_fen: 10_000 });
      expect(replay).toMatchObject({ status: 201, replayed: true });
      expect(replay.body).toEqual(res.body);
    } finally {
      await blocker.query("rollback").catch(() => {});
      await blocker.end().catch(() => {});
    }
    await expectLedgerClean();
  });

  it("asks for the drain when the payment makes the pool cover the head of an auto queue", async () => {
    const store = await makeStore({ payoutMode: "auto" });
    const name = await usernameOf(await makeCustomer());
    // ¥100 waits at the head with ¥13 in the pool; ¥700 more brings the pool to ¥104.
    const first = await post(store.id, randomUUID(), { customer: name, amount_fen: 10_000 });
    expect(first.drainQueueId).toBeNull();
    const second = await post(store.id, randomUUID(), { customer: name, amount_fen: 70_000 });
    expect(second.drainQueueId).toBe(store.queueId);
    // What the queue.drain job the payment added then does: the head is paid, and the pool no longer covers the next.
    expect(await drainQueue(store.queueId!)).toMatchObject({ paid: 1, paidFen: 10_000 });
  });

  it("refuses amounts that are not integer fen, and unknown fields", () => {
    for (const body of [
      { customer: "demo", amount_fen: 12.34 },
      { customer: "demo", amount_fen: "1234" },
      { customer: "demo", amount_fen: 0 },
      { customer: "demo", amount_fen: 100_000_001 },
      { customer: "demo", amount: "12.34" },
      { customer: "demo", amount_fen: 1234, points: 10 },
      { customer: "", amount_fen: 1234 },
      { customer: "demo", amount_fen: 1234, pos_ref: "换行\n" },
    ]) {
      expect(posOrderSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
    expect(posOrderSchema.parse({ customer: " Demo ", amount_fen: 1234 })).toEqual({ customer: "demo", amount_fen: 1234 });
  });
});
