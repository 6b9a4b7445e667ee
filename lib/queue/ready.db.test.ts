import { afterAll, describe, expect, it } from "vitest";
import { balanceOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { drainQueue } from "./drain";
import { payoutHistory, readyQueues } from "./ready";

afterAll(expectLedgerClean);

// Tests share one database with other files: only ever look at this test's own queues.
async function readyOf(queueId: number) {
  return (await readyQueues()).find((q) => q.queueId === queueId);
}

describe("readyQueues", () => {
  it("lists a manual queue once its pool covers the head, judged by the head only, and drops it once drained", async () => {
    // Defaults: 13% of each order reaches the pool; no unit split, so one entry per order.
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const queueId = store.queueId!;
    const [a, b, c] = [await makeCustomer(), await makeCustomer(), await makeCustomer()];

    await placePaidOrder(a, store.id, 30_000); // head: target 30000, pool 3900
    await placePaidOrder(b, store.id, 1_000); // target 1000, pool 4030
    // The pool covers B's 1000 but not the head's 30000: FIFO means the queue is not ready.
    expect(await readyOf(queueId)).toBeUndefined();

    for (let i = 0; i < 20; i++) await placePaidOrder(c, store.id, 10_000); // pool 4030 + 20 × 1300 = 30030
    expect(await readyOf(queueId)).toEqual({
      queueId,
      name: store.name,
      payoutMode: "manual",
      poolFen: 30_030,
      headTargetFen: 30_000,
      waitingCount: 22,
    });
    expect(await balanceOf({ queueId }, "pool")).toBe(30_030);

    // A manual queue is not drained by orders; an operator's run pays the head only (30 left < 1000).
    expect(await drainQueue(queueId)).toMatchObject({ paid: 1, paidFen: 30_000 });
    expect(await readyOf(queueId)).toBeUndefined();
  });

  it("does not list a queue with nobody waiting, even with money in the pool", async () => {
    const empty = await makeStore({ payoutMode: "manual" });
    // Orders below min_order still feed the pool but join no queue.
    const belowMin = await makeStore({ payoutMode: "manual", minOrderFen: 50_000 });
    await placePaidOrder(await makeCustomer(), belowMin.id, 20_000);
    expect(await balanceOf({ queueId: belowMin.queueId! }, "pool")).toBeGreaterThan(0);

    const ids = (await readyQueues()).map((q) => q.queueId);
    expect(ids).not.toContain(empty.queueId);
    expect(ids).not.toContain(belowMin.queueId);
  });

  it("also lists an auto queue whose drain has not run yet", async () => {
    // Pool share 50% of each order, target 10%: one ¥10 order covers its own ¥1 entry.
    const store = await makeStore({ rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 1000, unitCapFen: 0, minOrderFen: 0 });
    const queueId = store.queueId!;
    await placePaidOrder(await makeCustomer(), store.id, 1_000, { drain: false });
    expect(await readyOf(queueId)).toMatchObject({ payoutMode: "auto", poolFen: 500, headTargetFen: 100, waitingCount: 1 });

    // Leave no auto queue covering its head (I6 is checked after the file).
    await drainQueue(queueId);
    expect(await readyOf(queueId)).toBeUndefined();
  });
});

describe("payoutHistory", () => {
  it("lists a queue's payouts newest first, with queue, customer, position, amount and kind", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const queueId = store.queueId!;
    const [a, b, c] = [await makeCustomer(), await makeCustomer(), await makeCustomer()];
    await placePaidOrder(a, store.id, 2_000); // position 1, target 2000
    await placePaidOrder(b, store.id, 1_000); // position 2, target 1000
    await placePaidOrder(c, store.id, 10_000); // position 3, target 10000; pool 260 + 130 + 1300 = 1690
    expect(await payoutHistory({ queueId })).toEqual([]);

    for (let i = 0; i < 2; i++) await placePaidOrder(c, store.id, 10_000); // pool 4290
    expect(await drainQueue(queueId)).toMatchObject({ paid: 2, paidFen: 3_000 }); // pool 1290
    for (let i = 0; i < 7; i++) await placePaidOrder(c, store.id, 10_000); // pool 10390
    expect(await drainQueue(queueId)).toMatchObject({ paid: 1, paidFen: 10_000 });

    const history = await payoutHistory({ queueId });
    expect(history).toHaveLength(3);
    // The later run's payout comes first.
    expect(history[0]).toMatchObject({
      queueId,
      queueName: store.name,
      customerName: "Test",
      amountFen: 10_000,
      kind: "fifo",
      position: 3,
    });
    expect(history[0]!.createdAt).toBeInstanceOf(Date);
    expect(history.slice(1).map((h) => [h.position, h.amountFen]).sort()).toEqual([
      [1, 2_000],
      [2, 1_000],
    ]);
    expect(history.map((h) => h.id)).toEqual([...history.map((h) => h.id)].sort((x, y) => y - x));

    // Platform-wide, with a limit: the newest payout anywhere is that same one.
    const latest = await payoutHistory({ limit: 1 });
    expect(latest).toHaveLength(1);
    expect(latest[0]!.id).toBe(history[0]!.id);
    expect(await payoutHistory({ queueId, limit: 2 })).toEqual(history.slice(0, 2));
  });

  it("is empty for a queue that never paid out", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    expect(await payoutHistory({ queueId: store.queueId! })).toEqual([]);
  });
});
