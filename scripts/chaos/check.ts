// After the run: the ledger verifier (SPEC I1–I8 and the points lots, as `npm run ledger:verify`),
// and every answer the app acknowledged, held against the database.
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import * as schema from "@/db/schema";
import type { InvariantResult } from "@/lib/ledger/verify";
import { verifyBooks } from "@/lib/queue/verify";
import type { RunLog } from "./record";

export type CheckResult = { ledger: InvariantResult[]; acknowledged: { orders: number; leaves: number; refunds: number; withdrawals: number; decisions: number } };

async function rows<T>(db: pg.Pool, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}

export async function checkRun(db: pg.Pool, log: RunLog): Promise<CheckResult> {
  const ledger = await verifyBooks(drizzle(db, { schema }));
  for (const r of ledger) {
    for (const ex of r.examples) log.violation(`ledger ${r.id}: ${r.title}`, ex);
    // examples are capped; count the rest too
    for (let i = r.examples.length; i < r.violations; i++) log.violation(`ledger ${r.id}: ${r.title}`, "");
  }

  // Orders: every acknowledged order exists exactly once under its key, with its number, paid (or
  // refunded since), and was paid exactly once in the ledger.
  type OrderRow = { order_no: string; idempotency_key: string; customer_id: string; status: string; paid_txs: string; entries: string };
  const orders = await rows<OrderRow>(
    db,
    `select o.order_no, o.idempotency_key, o.customer_id, o.status,
            (select count(*) from ledger_transactions t where t.order_id = o.id and t.kind = 'order_paid') as paid_txs,
            (select coalesce(string_agg(e.id::text, ','), '') from queue_entries e where e.order_id = o.id) as entries
     from orders o`,
  );
  const byKey = new Map<string, OrderRow[]>();
  for (const o of orders) {
    const k = `${o.customer_id}/${o.idempotency_key}`;
    byKey.set(k, [...(byKey.get(k) ?? []), o]);
  }
  let ackOrders = 0;
  const paidOnce = (o: OrderRow, what: string) => {
    if (o.status !== "paid" && o.status !== "refunded") log.violation("acknowledged order not paid", `${what} ${o.order_no} is ${o.status}`);
    if (Number(o.paid_txs) !== 1) log.violation("acknowledged order not paid exactly once", `${what} ${o.order_no}: ${o.paid_txs} order_paid transactions`);
  };
  for (const a of log.pos.values()) {
    ackOrders += 1;
    const found = byKey.get(`${a.customerId}/pos:${a.merchantId}:${a.key}`) ?? [];
    if (found.length !== 1 || found[0]!.order_no !== a.orderNo) {
      log.violation("acknowledged order missing or duplicated", `POS ${a.merchantId}/${a.key} → ${a.orderNo}: found ${found.map((o) => o.order_no).join(",") || "none"}`);
      continue;
    }
    paidOnce(found[0]!, "POS order");
    const entries = new Set(found[0]!.entries.split(",").filter(Boolean).map(Number));
    for (const id of a.entryIds) if (!entries.has(id)) log.violation("acknowledged entry missing", `POS order ${a.orderNo}: entry ${id}`);
  }
  for (const a of log.web.values()) {
    const found = byKey.get(`${a.customerId}/${a.key}`) ?? [];
    if (found.length !== 1 || found[0]!.order_no !== a.orderNo) {
      log.violation("acknowledged order missing or duplicated", `web ${a.key} → ${a.orderNo}: found ${found.map((o) => o.order_no).join(",") || "none"}`);
      continue;
    }
    if (a.paid) {
      ackOrders += 1;
      paidOnce(found[0]!, "web order");
    }
  }

  // Leaves: the entry left, and its order has a compensation for each acknowledged paid leave.
  const entries = new Map(
    (await rows<{ id: string; status: string; order_id: string }>(db, "select id, status, order_id from queue_entries where status = 'left'")).map((e) => [Number(e.id), e]),
  );
  const comps = new Map(
    (await rows<{ order_id: string; n: string }>(db, "select order_id, count(*) as n from ledger_transactions where kind = 'exit_compensation' group by order_id")).map((r) => [r.order_id, Number(r.n)]),
  );
  const ackCompsByOrder = new Map<string, number>();
  for (const l of log.leaves) {
    const e = entries.get(l.entryId);
    if (!e) {
      log.violation("acknowledged leave not reflected", `entry ${l.entryId} is not 'left'`);
      continue;
    }
    if (l.points > 0) ackCompsByOrder.set(e.order_id, (ackCompsByOrder.get(e.order_id) ?? 0) + 1);
  }
  const leftByOrder = new Map<string, number>();
  for (const e of entries.values()) leftByOrder.set(e.order_id, (leftByOrder.get(e.order_id) ?? 0) + 1);
  for (const [orderId, n] of ackCompsByOrder) {
    const got = comps.get(orderId) ?? 0;
    if (got < n || got > (leftByOrder.get(orderId) ?? 0)) {
      log.violation("acknowledged leave compensation not exactly once", `order ${orderId}: ${n} acknowledged, ${got} compensations, ${leftByOrder.get(orderId)} left entries`);
    }
  }

  // Refunds: refunded once (one provider refund, one reversal), every entry cancelled.
  const refunds = new Map(
    (
      await rows<{ order_no: string; status: string; refunds: string; reversals: string; live: string }>(
        db,
        `select o.order_no, o.status,
                (select count(*) from payment_refunds r where r.order_id = o.id and r.returned_payment_ref is null) as refunds,
                (select count(*) from ledger_transactions t where t.order_id = o.id and t.kind = 'order_refund') as reversals,
                (select count(*) from queue_entries e where e.order_id = o.id and e.status <> 'cancelled') as live
         from orders o where o.status = 'refunded' or exists (select 1 from payment_refunds r where r.order_id = o.id and r.returned_payment_ref is null)`,
      )
    ).map((r) => [r.order_no, r]),
  );
  for (const r of log.refunds) {
    const o = refunds.get(r.orderNo);
    if (!o || o.status !== "refunded" || Number(o.refunds) !== 1 || Number(o.reversals) !== 1 || Number(o.live) !== 0) {
      log.violation("acknowledged refund not reflected exactly once", `${r.by} refund of ${r.orderNo}: ${o ? JSON.stringify(o) : "not refunded"}`);
    }
  }

  // Withdrawals: each acknowledged request exists for its user and amount; each decision holds.
  const ws = new Map(
    (await rows<{ id: string; user_id: string; amount_fen: string; status: string }>(db, "select id, user_id, amount_fen, status from withdrawals")).map((w) => [
      Number(w.id),
      w,
    ]),
  );
  let decisions = 0;
  for (const a of log.withdrawals.values()) {
    const w = ws.get(a.id);
    if (!w || Number(w.user_id) !== a.userId || Number(w.amount_fen) !== a.amountFen) {
      log.violation("acknowledged withdrawal not reflected", `withdrawal ${a.id}: ${w ? JSON.stringify(w) : "missing"}`);
      continue;
    }
    if (a.decision) {
      decisions += 1;
      // An approved one goes on by itself (the job sends it): approved, sending, then paid, or failed
      // when the provider refused it (its money returned once: the provider check's transfers).
      const holds = a.decision === "approved" ? ["approved", "sending", "paid", "failed"].includes(w.status) : w.status === a.decision;
      if (!holds) log.violation("acknowledged withdrawal decision not reflected", `withdrawal ${a.id}: acknowledged ${a.decision}, is ${w.status}`);
    }
  }
  // Exactly once in the ledger: no request or decision transaction that no withdrawal points to.
  const orphans = await rows<{ id: string; kind: string }>(
    db,
    `select t.id, t.kind from ledger_transactions t
     where t.kind::text like 'withdrawal%'
       and not exists (select 1 from withdrawals w where w.request_transaction_id = t.id or w.decision_transaction_id = t.id or w.settle_transaction_id = t.id)`,
  );
  for (const o of orphans) log.violation("withdrawal posted more than once", `ledger transaction ${o.id} (${o.kind}) belongs to no withdrawal`);

  // Drains: the payouts the drains acknowledged are no more than the payouts that exist.
  const fifo = Number((await rows<{ n: string }>(db, "select count(*) as n from payouts where kind = 'fifo'"))[0]!.n);
  if (log.drainPaidAck > fifo) log.violation("acknowledged payouts missing", `drains acknowledged ${log.drainPaidAck} payouts, ${fifo} exist`);

  return {
    ledger,
    acknowledged: { orders: ackOrders, leaves: log.leaves.length, refunds: log.refunds.length, withdrawals: log.withdrawals.size, decisions },
  };
}
