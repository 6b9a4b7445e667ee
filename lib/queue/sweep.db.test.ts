import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { db } from "@/db";
import { databaseUrl } from "@/lib/env";
import { entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { sweepReadyQueues } from "./sweep";

afterAll(expectLedgerClean);

describe("sweep", () => {
  it("two racing sweeps drain every ready auto queue, each entry exactly once, and skip manual ones", async () => {
    // Orders placed with drain: false leave auto queues ready, as if their queue.drain jobs were lost.
    const stores = await Promise.all(Array.from({ length: 6 }, () => makeStore({ unitCapFen: 0 })));
    const manual = await makeStore({ unitCapFen: 0, payoutMode: "manual" });
    const customer = await makeCustomer();
    for (const s of [...stores, manual]) {
      await placePaidOrder(customer, s.id, 1_000, { drain: false }); // a ¥10 entry at the head
      for (let i = 0; i < 3; i++) await placePaidOrder(customer, s.id, 5_000, { drain: false }); // pool 130 + 3 × 650
    }
    const [a, b] = await Promise.all([sweepReadyQueues(), sweepReadyQueues()]);
    expect(a.failed + b.failed).toBe(0);
    // Each auto queue paid its ¥10 head (pool 2080 covers 1000, not the next 5000).
    expect(a.paid + b.paid).toBeGreaterThanOrEqual(6);
    for (const s of stores) {
      expect((await entriesOf(s.queueId!)).map((e) => e.status)).toEqual(["paid", "waiting", "waiting", "waiting"]);
    }
    expect((await entriesOf(manual.queueId!)).every((e) => e.status === "waiting")).toBe(true);
    const payouts = await db.execute<{ n: number }>(
      sql`select count(*)::bigint as n from payouts where queue_id = any(${sql.param(stores.map((s) => s.queueId!))}::bigint[])`,
    );
    expect(Number(payouts.rows[0]!.n)).toBe(6);
    // Nothing is left for a third sweep among these queues.
    const again = await sweepReadyQueues();
    expect(again.failed).toBe(0);
    await expectLedgerClean();
  });

  it("a drain whose backend is terminated mid-batch is tried again once, and the sweep still pays it", async () => {
    // Found by `npm run chaos`: one pg_terminate_backend during a sweep made the whole sweep a 500.
    const store = await makeStore({ unitCapFen: 0 });
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 1_000, { drain: false });
    for (let i = 0; i < 3; i++) await placePaidOrder(customer, store.id, 5_000, { drain: false });
    const [head] = await entriesOf(store.queueId!);

    // Hold the head entry's row, so the sweep's drain of this queue waits on it; then terminate
    // the backend that waits, exactly as the chaos run's terminator does.
    const blocker = new pg.Client({ connectionString: databaseUrl() });
    blocker.on("error", () => {});
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("select id from queue_entries where id = $1 for update", [head!.id]);
      const myPid = Number((await blocker.query("select pg_backend_pid() as pid")).rows[0].pid);
      const sweep = sweepReadyQueues();
      let killed = false;
      for (let i = 0; i < 200 && !killed; i++) {
        const r = await blocker.query(
          "select pg_terminate_backend(pid) as ok from pg_stat_activity where $1 = any(pg_blocking_pids(pid))",
          [myPid],
        );
        killed = r.rows.some((row: { ok: boolean }) => row.ok);
        if (!killed) await new Promise((res) => setTimeout(res, 25));
      }
      expect(killed).toBe(true);
      await blocker.query("rollback");
      const out = await sweep;
      expect(out.failed).toBe(0);
      expect(out.unavailable).toBe(0);
      expect((await entriesOf(store.queueId!)).map((e) => e.status)).toEqual(["paid", "waiting", "waiting", "waiting"]);
    } finally {
      await blocker.end().catch(() => {});
    }
    await expectLedgerClean();
  });
});
