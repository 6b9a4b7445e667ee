// The chaos run's proof that it can fail (`npm run chaos -- --broken-drain`), kept in `npm test`:
// with the test-only switch FREELINE_TEST_BROKEN_DRAIN=skip-lock the drain skips its queue lock,
// and two concurrent drains of one queue then go wrong in a way the run reports; the real drain,
// on the same schedule, does not.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { balanceOf, entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { Scheduler } from "@/lib/testing/interleave";
import { expectLedgerClean } from "@/lib/testing/verify";
import { drainBatch } from "./drain";

let open: Scheduler | undefined;
afterEach(async () => {
  env.FREELINE_TEST_BROKEN_DRAIN = undefined;
  await open?.close();
  open = undefined;
});
afterAll(expectLedgerClean);

/** A manual queue with two waiting ¥10 entries and 2600 fen in the pool: one drain pays both. */
async function coveredQueue() {
  const store = await makeStore({ payoutMode: "manual", freeBps: 1000, unitCapFen: 0 });
  const x = await makeCustomer();
  await placePaidOrder(x, store.id, 10_000, { drain: false });
  await placePaidOrder(x, store.id, 10_000, { drain: false });
  return { queueId: store.queueId!, customer: x };
}

/** Drain A pays the queue and holds its transaction open; drain B starts; then A commits. */
async function twoDrains(queueId: number) {
  const s = await Scheduler.open(["A", "B"]);
  open = s;
  await s.A.begin();
  expect(await s.A.step("drain", (tx) => drainBatch(tx, queueId))).toMatchObject({ paid: 2, paidFen: 2000 });
  await s.B.begin();
  const b = s.B.run("drain", (tx) => drainBatch(tx, queueId));
  expect(await b.blocks()).toEqual(["A"]);
  await s.A.commit();
  return { s, b };
}

describe("the broken-drain switch (FREELINE_TEST_BROKEN_DRAIN)", () => {
  it("real drain: the second drain waits for the queue lock, then finds nothing left to pay", async () => {
    const { queueId, customer } = await coveredQueue();
    const { s, b } = await twoDrains(queueId);
    expect(await b.completes()).toEqual({ paid: 0, paidFen: 0, more: false });
    await s.B.commit();
    expect((await entriesOf(queueId)).map((e) => e.status)).toEqual(["paid", "paid"]);
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(2000);
    await expectLedgerClean();
  });

  it("skip-lock: the second drain reads the pool and the queue unlocked, pays what was already paid, and fails", async () => {
    const { queueId, customer } = await coveredQueue();
    env.FREELINE_TEST_BROKEN_DRAIN = "skip-lock";
    const { s, b } = await twoDrains(queueId);
    // It chose the entries A had already paid (A's rows were locked, not the queue). Only the
    // guarded UPDATE's recheck stops a double payout; the drain fails, which is what a correct
    // drain never does, and what the chaos run counts as a violation (a 500 from the drain route).
    const err = await b.fails();
    expect(String(err)).toContain("lost its lock");
    await s.B.rollback();
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(2000);
    await expectLedgerClean();
  });

  it("is off unless set explicitly", () => {
    expect(env.FREELINE_TEST_BROKEN_DRAIN).toBeUndefined();
  });
});
