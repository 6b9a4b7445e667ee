import "server-only";
import { count, sql } from "drizzle-orm";
import { Gauge, type Registry } from "prom-client";
import { db } from "@/db";
import { mapRows } from "@/db/rows";
import { orders as ordersTable, payouts as payoutsTable } from "@/db/schema";
import { jobBacklog } from "@/lib/jobs/backlog";
import { providerLabel } from "./metrics";

/**
 * Figures of the whole platform, read from Postgres at each scrape (so every instance reports the
 * same ones; query them with max()). A handful of grouped counts, each over an index or a small
 * table, under the pool's statement timeout.
 *
 * Cardinality stays bounded: providers are the code's own few (others count as `other`), statuses
 * and kinds are enums, tasks are the job list, and of the queues only the METRICS_TOP_QUEUES
 * deepest are named (label `queue` = the queue id); the rest are summed under `queue="other"`.
 */
export type ClusterGauges = ReturnType<typeof clusterGauges>;

export function clusterGauges(registry: Registry) {
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  return {
    orders: g("freeline_orders", "Orders by payment provider and status.", ["provider", "status"] as const),
    paidFen: g("freeline_payments_fen", "Cash taken by paid (and later refunded) orders, by provider, in fen.", ["provider"] as const),
    payouts: g("freeline_payouts", "Queue payouts made, by kind (fifo, draw).", ["kind"] as const),
    payoutsFen: g("freeline_payouts_fen", "Queue payouts made, by kind, in fen.", ["kind"] as const),
    queueDepth: g("freeline_queue_waiting_entries", "Entries waiting in a queue (the deepest queues by id; the rest as other).", ["queue"] as const),
    queueWaitingFen: g("freeline_queue_waiting_fen", "What a queue's waiting entries are owed, in fen (same queues as the depth).", ["queue"] as const),
    poolFen: g("freeline_queue_pool_fen", "A queue's pool balance, in fen (same queues as the depth).", ["queue"] as const),
    queues: g("freeline_queues", "Queues, by whether any entry waits.", ["state"] as const),
    jobs: g("freeline_jobs", "Durable jobs by task and state: due (the backlog), later (scheduled), retrying, running, failed (retries used up).", ["task", "state"] as const),
    oldestDueSeconds: g("freeline_jobs_oldest_due_seconds", "How long the oldest due job of a task has waited to start.", ["task"] as const),
  };
}

/** Reads the figures and sets the gauges (each reset first, so a vanished series goes away). */
export async function refreshClusterGauges(gs: ClusterGauges, topQueues: number): Promise<void> {
  const [orders, payouts, queues, jobs] = await Promise.all([
    // The sums cast back to bigint arrive as numbers (db/index.ts's int8 parser).
    db
      .select({
        provider: ordersTable.provider,
        status: ordersTable.status,
        n: count(),
        paidFen: sql<number>`coalesce(sum(${ordersTable.cashFen}) filter (where ${ordersTable.paidAt} is not null), 0)::bigint`,
      })
      .from(ordersTable)
      .groupBy(ordersTable.provider, ordersTable.status),
    db
      .select({ kind: payoutsTable.kind, n: count(), fen: sql<number>`coalesce(sum(${payoutsTable.amountFen}), 0)::bigint` })
      .from(payoutsTable)
      .groupBy(payoutsTable.kind),
    db.execute(sql`
      with w as (
        select queue_id, count(*) as n, sum(target_fen) as fen
        from queue_entries where status = 'waiting' group by queue_id
      )
      select q.id as queue_id, coalesce(w.n, 0) as n, coalesce(w.fen, 0) as fen, coalesce(a.balance, 0) as pool
      from queues q
      left join w on w.queue_id = q.id
      left join accounts a on a.queue_id = q.id and a.kind = 'pool'`),
    jobBacklog(db),
  ]);

  for (const gauge of Object.values(gs)) gauge.reset();

  for (const r of orders) {
    const provider = providerLabel(r.provider);
    gs.orders.inc({ provider, status: r.status }, r.n);
    gs.paidFen.inc({ provider }, r.paidFen);
  }
  for (const r of payouts) {
    gs.payouts.set({ kind: r.kind }, r.n);
    gs.payoutsFen.set({ kind: r.kind }, r.fen);
  }

  // fen is numeric (a sum of bigint), which int() reads from its text.
  const all = mapRows(queues, (r) => ({ id: r.int("queue_id"), n: r.int("n"), fen: r.int("fen"), pool: r.int("pool") }));
  all.sort((a, b) => b.n - a.n || a.id - b.id);
  const named = all.slice(0, topQueues);
  const rest = all.slice(topQueues);
  for (const q of named) {
    gs.queueDepth.set({ queue: String(q.id) }, q.n);
    gs.queueWaitingFen.set({ queue: String(q.id) }, q.fen);
    gs.poolFen.set({ queue: String(q.id) }, q.pool);
  }
  if (rest.length > 0) {
    gs.queueDepth.set({ queue: "other" }, rest.reduce((s, q) => s + q.n, 0));
    gs.queueWaitingFen.set({ queue: "other" }, rest.reduce((s, q) => s + q.fen, 0));
    gs.poolFen.set({ queue: "other" }, rest.reduce((s, q) => s + q.pool, 0));
  }
  gs.queues.set({ state: "waiting" }, all.filter((q) => q.n > 0).length);
  gs.queues.set({ state: "empty" }, all.filter((q) => q.n === 0).length);

  for (const t of jobs) {
    for (const state of ["due", "later", "retrying", "running", "failed"] as const) gs.jobs.set({ task: t.task, state }, t[state]);
    gs.oldestDueSeconds.set({ task: t.task }, t.oldestDueSeconds);
  }
}
