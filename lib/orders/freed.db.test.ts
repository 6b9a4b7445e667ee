import { afterAll, describe, expect, it } from "vitest";
import { drainQueue } from "@/lib/queue/drain";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { freedByPayment } from "./freed";

afterAll(expectLedgerClean);

describe("freedByPayment", () => {
  it("lists an earlier order's entry that a ¥888 payment's drain freed, once the drain has run", async () => {
    const store = await makeStore(); // automatic payouts, ¥100 units, 13% of each order to the pool
    const [amy, bo] = [await makeCustomer(), await makeCustomer()];
    const small = await placePaidOrder(amy, store.id, 58_00);
    const other = await placePaidOrder(bo, store.id, 20_00);
    // The pool holds ¥10.14; ¥888 brings ¥115.44: ¥125.58 frees the ¥58 and the ¥20, not ¥100 more.
    const big = await placePaidOrder(amy, store.id, 888_00, { drain: false });
    expect(big.drainDue).toBe(true);

    // The result page may render before the drain: nothing yet, and it is not final.
    expect(await freedByPayment(amy, big.orderId)).toEqual({ mine: [], othersCount: 0, othersFen: 0, settled: false });

    await drainQueue(big.queueId);
    const after = await freedByPayment(amy, big.orderId);
    expect(after).toMatchObject({ othersCount: 1, othersFen: 20_00, settled: true });
    expect(after.mine.map((e) => [e.orderNo, e.targetFen])).toEqual([[small.orderNo, 58_00]]);
    // Bo's own view of the same payment is not his to see; his order freed nothing itself.
    expect(await freedByPayment(bo, other.orderId)).toEqual({ mine: [], othersCount: 0, othersFen: 0, settled: true });
    // The earlier payments freed nothing: the payouts came after the ¥888 payment.
    expect((await freedByPayment(amy, small.orderId)).mine).toEqual([]);
  });

  it("gives a drain that runs after the next payment to that next payment", async () => {
    const store = await makeStore();
    const [cy, di] = [await makeCustomer(), await makeCustomer()];
    const head = await placePaidOrder(cy, store.id, 10_00); // ¥10 target, ¥1.30 in the pool
    const first = await placePaidOrder(di, store.id, 60_00, { drain: false }); // ¥9.10: covers the head
    const second = await placePaidOrder(di, store.id, 30_00, { drain: false });
    await drainQueue(first.queueId);
    expect((await freedByPayment(cy, first.orderId)).othersCount).toBe(0);
    expect(await freedByPayment(di, second.orderId)).toMatchObject({ mine: [], othersCount: 1, othersFen: 10_00, settled: true });
    expect((await freedByPayment(cy, second.orderId)).mine.map((e) => e.orderNo)).toEqual([head.orderNo]);
  });

  it("says nothing for a manual queue, whose payouts are the operator's", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const ed = await makeCustomer();
    await placePaidOrder(ed, store.id, 10_00);
    const big = await placePaidOrder(ed, store.id, 500_00);
    await drainQueue(big.queueId);
    expect(await freedByPayment(ed, big.orderId)).toEqual({ mine: [], othersCount: 0, othersFen: 0, settled: true });
  });
});
