import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { JobHelpers } from "graphile-worker";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { addJob, JOBS } from "@/lib/jobs";
import { metrics } from "@/lib/observability/metrics";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { taskList } from "@/lib/worker/tasks";

afterAll(expectLedgerClean);

type JobRow = { id: number; payload: { queueId: number }; max_attempts: number; attempts: number; revision: number; created_at: Date };

// The runner's public view leaves the payload out; its table has it.
const drainJobs = async (queueId: number) =>
  (
    await db.execute<JobRow>(sql`
      select j.id, j.payload, j.max_attempts, j.attempts, j.revision, j.created_at
      from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'queue.drain' and j.key = ${`drain:queue:${queueId}`}`)
  ).rows;

async function pendingOrder(customerId: number, merchantId: number, amountFen: number) {
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, { customerId, merchantId, amountFen, pointsUsed: 0, idempotencyKey: randomUUID(), provider: "dev" }),
  );
  return order;
}

const pay = (order: { id: number; orderNo: string; cashFen: number }) =>
  inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `test-${order.id}` }));

const latencyCount = async () => (await metrics().drainLatency.get()).values.find((v) => v.metricName === "freeline_drain_latency_seconds_count")?.value ?? 0;

describe("queue.drain: the drain after a payment is a durable job of the payment's transaction", () => {
  it("a payment that rolls back adds no drain; one that commits adds exactly one; a burst coalesces; the job pays once", async () => {
    const store = await makeStore({ unitCapFen: 0 });
    const queueId = store.queueId!;
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 1_000, { drain: false }); // a ¥10 head; pool 130
    const notYet = await placePaidOrder(customer, store.id, 5_000, { drain: false }); // pool 780 < 1000
    expect(notYet.drainDue).toBe(false);
    expect(await drainJobs(queueId)).toEqual([]);

    // The payment that makes the pool cover the head (pool 1430 ≥ 1000), rolled back after it ran.
    const covering = await pendingOrder(customer, store.id, 5_000);
    await expect(
      inTransaction(async (tx) => {
        const paid = await markOrderPaid(tx, { orderNo: covering.orderNo, amountFen: covering.cashFen, providerRef: `test-${covering.id}` });
        expect(paid.drainDue).toBe(true);
        throw new Error("rolled back after the payment");
      }),
    ).rejects.toThrow("rolled back after the payment");
    expect(await drainJobs(queueId)).toEqual([]);

    // The same payment committed: one job, for this queue, with the job's bounded attempts.
    const paid = await pay(covering);
    expect(paid.drainDue).toBe(true);
    const [job, ...others] = await drainJobs(queueId);
    expect(others).toEqual([]);
    expect(job).toMatchObject({ payload: { queueId }, max_attempts: JOBS["queue.drain"].maxAttempts, attempts: 0 });

    // A retried notification of the same payment applies nothing and adds nothing.
    expect((await pay(covering)).applied).toBe(false);
    // A burst: another covering payment while the drain waits replaces it (one job, a new revision).
    expect((await placePaidOrder(customer, store.id, 5_000, { drain: false })).drainDue).toBe(true);
    const burst = await drainJobs(queueId);
    expect(burst).toHaveLength(1);
    expect(burst[0]!.id).toBe(job!.id);
    expect(burst[0]!.revision).toBeGreaterThan(job!.revision);

    // The task, as the worker runs it, twice (a retry after a crash): the head is paid once.
    const run = taskList()["queue.drain"];
    const helpers = { job: burst[0]! } as unknown as JobHelpers;
    const counted = await latencyCount();
    await run(burst[0]!.payload, helpers);
    await run(burst[0]!.payload, helpers);
    expect((await entriesOf(queueId)).map((e) => e.status)).toEqual(["paid", "waiting", "waiting", "waiting"]);
    const payouts = await db.execute<{ n: number }>(sql`select count(*)::int as n from payouts where queue_id = ${queueId}`);
    expect(Number(payouts.rows[0]!.n)).toBe(1);
    expect(await latencyCount()).toBe(counted + 2);

    await db.execute(sql`select graphile_worker.remove_job(${`drain:queue:${queueId}`})`);
    await expectLedgerClean();
  });

  it("refuses a malformed drain before it is stored", async () => {
    await expect(inTransaction((tx) => addJob(tx, "queue.drain", { queueId: -1 }))).rejects.toThrow();
  });
});
