// The queue phases, in process against the bench database (the server is stopped by then): the
// drain of one long queue, and the position lookup an order page makes in a queue of a million.
import { sql } from "drizzle-orm";
import type pg from "pg";
import { db } from "@/db";
import { drainQueue } from "@/lib/queue/drain";
import { customerEntries, customerEntriesQuery } from "@/lib/queue/position";
import { percentile } from "./load";
import { loadAvg, log } from "./log";
import { pick, type Bench } from "./measure";
import { seedQueue, type BenchStore } from "./seed";

export type DrainFigures = { perS: number; explain: string };

export async function queueDrain(b: Bench, store: BenchStore): Promise<DrainFigures> {
  if (!b.want("drain")) return { perS: NaN, explain: "(skipped)" };
  const { drainEntries, drainCover } = b.sizes;
  const t = Date.now();
  await seedQueue(b.raw, store, { entries: drainEntries, perOrder: 10, poolCoversEntries: drainCover });
  log(`drain: seeded ${drainEntries} waiting entries, pool covers ${drainCover}, in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  // The plan of the drain's first batch selection, printed at the end of the run.
  const plan = await explain(b.raw, `
      select id, customer_id, target_fen from (
        select id, customer_id, target_fen, position,
               sum(target_fen) over (order by position rows unbounded preceding) as running
        from (select id, customer_id, target_fen, position from queue_entries
              where queue_id = ${store.queueId} and status = 'waiting' order by position limit 1000) w
      ) r where running <= ${drainCover * 10_000} order by position`);
  const t1 = performance.now();
  const drained = await drainQueue(store.queueId);
  const drainS = (performance.now() - t1) / 1000;
  const perS = drained.paid / drainS;
  log(`drain: ${drained.paid} payouts in ${drained.batches} batches, ${drainS.toFixed(2)} s = ${perS.toFixed(0)} payouts/s (load ${loadAvg()})`);
  return { perS, explain: plan };
}

export type PositionFigures = { p50: number; p95: number; explain: string };

export async function positionLookup(b: Bench, store: BenchStore): Promise<PositionFigures> {
  if (!b.want("position")) return { p50: NaN, p95: NaN, explain: "(skipped)" };
  const { positionEntries, positionS } = b.sizes;
  const t = Date.now();
  await seedQueue(b.raw, store, { entries: positionEntries, perOrder: 10, poolCoversEntries: 0 });
  log(`position: seeded ${positionEntries} waiting entries in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const orders = (
    await b.raw.query<{ id: number; customer_id: number }>(`select id, customer_id from orders where queue_id = $1`, [store.queueId])
  ).rows.map((r) => ({ id: Number(r.id), customerId: Number(r.customer_id) }));
  const mid = orders[Math.floor(orders.length / 2)]!;
  // The app's own query (lib/queue/position.ts), through the app's drizzle handle.
  const plan = await db.execute<{ "QUERY PLAN": string }>(
    sql`explain (analyze, buffers) ${customerEntriesQuery(mid.customerId, { orderId: mid.id })}`,
  );
  // One client, back to back: the latency a customer opening their order page sees.
  const lookups: number[] = [];
  const lookupEnd = performance.now() + positionS * 1000;
  await customerEntries(mid.customerId, { orderId: mid.id }); // warm
  while (performance.now() < lookupEnd) {
    const o = pick(orders);
    const s = performance.now();
    const rows = await customerEntries(o.customerId, { orderId: o.id });
    lookups.push(performance.now() - s);
    if (rows.length === 0 || rows[0]!.position === null) throw new Error("position lookup returned no waiting entry");
  }
  lookups.sort((a, b) => a - b);
  const p50 = percentile(lookups, 50);
  const p95 = percentile(lookups, 95);
  log(`position: ${lookups.length} lookups (one order's 10 entries each), p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (load ${loadAvg()})`);
  return { p50, p95, explain: plan.rows.map((x) => `    ${x["QUERY PLAN"]}`).join("\n") };
}

async function explain(pool: pg.Pool, q: string): Promise<string> {
  const r = await pool.query<{ "QUERY PLAN": string }>(`explain (analyze, buffers) ${q}`);
  return r.rows.map((x) => `    ${x["QUERY PLAN"]}`).join("\n");
}
