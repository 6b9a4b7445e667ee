// The reference: one paid order's SQL, straight through `pg`, no app in between. It writes what
// markOrderPaid writes and takes the same locks, in the same order:
//   1. the order row (inserted already paid: one statement instead of the app's insert + update);
//   2. the queue mutex: the pool account row, FOR NO KEY UPDATE, in a statement of its own;
//   3. the kept-balance rows the posting touches, FOR NO KEY UPDATE in id order;
//   4. one statement: the ledger transaction, its 7 entries, the kept balances (settlement, reserve,
//      pool, points locked; platform-wide accounts keep none), the queue's counters (position and
//      appended fen) and the order's queue entries with their cum_fen;
// inside BEGIN … COMMIT: 6 round trips. Account ids are looked up once, as a cache would hold them.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { computeShares } from "@/lib/rules/shares";
import { queueUnits } from "@/lib/rules/units";
import { BENCH_RULES, type BenchCustomer, type BenchStore, type Platform } from "./seed";

export const ORDER_FEN = 5800;

export function referenceOrder(pool: pg.Pool, platform: Platform) {
  const s = computeShares(ORDER_FEN, BENCH_RULES);
  const units = queueUnits(ORDER_FEN, BENCH_RULES);
  const unitsTotal = units.reduce((a, b) => a + b, 0);
  return async (store: BenchStore, customer: BenchCustomer): Promise<void> => {
    const c = await pool.connect();
    try {
      await c.query("begin");
      const o = await c.query<{ id: number }>(
        `insert into orders (order_no, customer_id, merchant_id, queue_id, rule_version_id, amount_fen, points_used, cash_fen,
                             rebate_fen, platform_fee_fen, points_earned, pool_fen, status, idempotency_key, request_hash,
                             provider, provider_ref, paid_at)
         values ($1, $2, $3, $4, $5, $6, 0, $6, $7, $8, $9, $10, 'paid', $11, 'ref', 'bench', $11, now())
         returning id`,
        [`FLR${randomUUID().slice(0, 13)}`, customer.id, store.merchantId, store.queueId, store.ruleVersionId, ORDER_FEN,
          s.rebateFen, s.platformFeeFen, s.pointsEarned, s.poolFen, randomUUID()],
      );
      const orderId = o.rows[0]!.id;
      await c.query(`select id, balance from accounts where id = $1 for no key update`, [store.poolId]);
      const kept = [store.settlementId, customer.reserveId, store.poolId, customer.lockedId];
      await c.query(`select id from accounts where id = any($1::bigint[]) order by id for no key update`, [kept]);
      const ids = [platform.world, store.settlementId, platform.platformFees, customer.reserveId, store.poolId, platform.pointsIssued, customer.lockedId];
      const assets = ["CNY", "CNY", "CNY", "CNY", "CNY", "PTS", "PTS"];
      const amounts = [-ORDER_FEN, ORDER_FEN - s.rebateFen, s.platformFeeFen, s.pointsEarned, s.poolFen, -s.pointsEarned, s.pointsEarned];
      await c.query(
        `with t as (
           insert into ledger_transactions (kind, order_id, queue_id) values ('order_paid', $1, $2) returning id
         ),
         legs as (select * from unnest($3::bigint[], $4::asset[], $5::bigint[]) as l(account_id, asset, amount)),
         e as (insert into ledger_entries (transaction_id, account_id, asset, amount)
               select t.id, legs.account_id, legs.asset, legs.amount from t, legs),
         b as (update accounts a set balance = a.balance + legs.amount from legs
               where a.id = legs.account_id and a.kind not in ('world','platform_fees','points_issued')),
         q as (update queues set next_position = next_position + $6, appended_fen = appended_fen + $11 where id = $2
               returning next_position - $6 as first, appended_fen - $11 as base_fen)
         insert into queue_entries (queue_id, order_id, customer_id, merchant_id, rule_version_id, position, target_fen, cum_fen)
         select $2, $1, $7, $8, $9, q.first + u.ord - 1, u.target,
                q.base_fen + coalesce(sum(u.target) over (order by u.ord rows between unbounded preceding and 1 preceding), 0)
         from q, unnest($10::bigint[]) with ordinality as u(target, ord)`,
        [orderId, store.queueId, ids, assets, amounts, units.length,
          customer.id, store.merchantId, store.ruleVersionId, units, unitsTotal],
      );
      await c.query("commit");
    } catch (e) {
      await c.query("rollback").catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  };
}

export function referencePool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  pool.on("error", (e) => console.error("[bench] reference pool:", e.message));
  return pool;
}
