// Set-based seeding for `npm run bench`. Users and their ledger accounts are inserted with
// generate_series (10,000 customers in well under a second); stores go through the app's own
// createStore so their queue, pool, settlement account and rule version are exactly the app's.
import type pg from "pg";
import type { Db } from "@/db";
import { createApiKey } from "@/lib/api/keys";
import { PRIVACY_NOTICE_VERSION } from "@/lib/auth/notice";
import { CUSTOMER_KINDS } from "@/lib/ledger";
import { createStore } from "@/lib/merchants/store";
import { DEFAULT_RULES } from "@/lib/rules/settings";
import { computeShares } from "@/lib/rules/shares";

export type BenchStore = {
  merchantId: number;
  ownerId: number;
  slug: string;
  queueId: number;
  ruleVersionId: number;
  settlementId: number;
  poolId: number;
  apiKey: string;
};
export type BenchCustomer = { id: number; username: string; reserveId: number; lockedId: number };
export type Platform = { world: number; platformFees: number; pointsIssued: number };

// Seeded users cannot log in: the bench mints session cookies instead (see scripts/bench/checkout.ts).
const NOT_A_HASH = "$argon2id$bench-seed-cannot-log-in";

/**
 * Stores for the order phases use payout_mode `manual`, so that the order path measured is the
 * order path alone (no drain after the response); the drain has its own phase.
 */
export const BENCH_RULES = { ...DEFAULT_RULES, payoutMode: "manual" as const };

export async function seedUsers(pool: pg.Pool, nStores: number, nCustomers: number): Promise<void> {
  await pool.query(
    `insert into users (username, password_hash, role, display_name)
     select 'bc' || lpad(g::text, 7, '0'), $1, 'customer', 'Bench customer ' || g from generate_series(1, $2::int) g`,
    [NOT_A_HASH, nCustomers],
  );
  await pool.query(
    `insert into users (username, password_hash, role, display_name)
     select 'bm' || lpad(g::text, 5, '0'), $1, 'merchant', 'Bench merchant ' || g from generate_series(1, $2::int) g`,
    [NOT_A_HASH, nStores + 2],
  );
  // Every user gets the customer accounts, as openCustomerAccounts does at registration.
  await pool.query(
    `insert into accounts (kind, asset, user_id)
     select k.kind::account_kind, k.asset::asset, u.id
     from users u cross join unnest($1::text[], $2::text[]) as k(kind, asset)
     where u.username like 'bc%' or u.username like 'bm%'`,
    [CUSTOMER_KINDS.map((k) => k.kind), CUSTOMER_KINDS.map((k) => k.asset)],
  );
  // They agreed to the current privacy notice, as registration records: without it every signed-in
  // request is asked for consent first (lib/auth/session.ts), and the checkout phase orders nothing.
  await pool.query(
    `insert into privacy_consents (user_id, notice_version)
     select id, $1 from users where username like 'bc%' or username like 'bm%'`,
    [PRIVACY_NOTICE_VERSION],
  );
}

/** Creates `n` approved stores owned by bm00001.. with an API key each. */
export async function seedStores(db: Db, pool: pg.Pool, n: number, firstOwner = 1, prefix = "bench"): Promise<BenchStore[]> {
  const owners = await pool.query<{ id: number; username: string }>(
    `select id, username from users where username like 'bm%' order by username offset $1 limit $2`,
    [firstOwner - 1, n],
  );
  const made: { merchantId: number; ownerId: number; slug: string }[] = [];
  await db.transaction(async (tx) => {
    for (const [i, o] of owners.rows.entries()) {
      const slug = `${prefix}-${String(i + firstOwner).padStart(4, "0")}`;
      const m = await createStore(tx, { ownerUserId: Number(o.id), slug, name: `Bench store ${i + firstOwner}`, rules: BENCH_RULES, approved: true });
      made.push({ merchantId: m.id, ownerId: Number(o.id), slug });
    }
  });
  const out: BenchStore[] = [];
  for (const m of made) {
    const key = await createApiKey(db, { merchantId: m.merchantId, createdByUserId: m.ownerId, name: "bench" });
    const r = await pool.query<{ queue_id: number; rv: number; settlement: number; pool: number }>(
      `select mm.queue_id,
              (select id from rule_versions where merchant_id = mm.id order by version desc limit 1) as rv,
              (select id from accounts where merchant_id = mm.id and kind = 'merchant_settlement') as settlement,
              (select id from accounts where queue_id = mm.queue_id and kind = 'pool') as pool
       from merchants mm where mm.id = $1`,
      [m.merchantId],
    );
    const row = r.rows[0]!;
    out.push({
      ...m,
      queueId: Number(row.queue_id),
      ruleVersionId: Number(row.rv),
      settlementId: Number(row.settlement),
      poolId: Number(row.pool),
      apiKey: key.token,
    });
  }
  return out;
}

export async function loadCustomers(pool: pg.Pool): Promise<BenchCustomer[]> {
  const r = await pool.query<{ id: number; username: string; reserve: number; locked: number }>(
    `select u.id, u.username,
            max(a.id) filter (where a.kind = 'points_reserve') as reserve,
            max(a.id) filter (where a.kind = 'points_locked') as locked
     from users u join accounts a on a.user_id = u.id
     where u.username like 'bc%' group by u.id, u.username order by u.id`,
  );
  return r.rows.map((x) => ({ id: Number(x.id), username: x.username, reserveId: Number(x.reserve), lockedId: Number(x.locked) }));
}

export async function loadPlatform(pool: pg.Pool): Promise<Platform> {
  const r = await pool.query<{ id: number; kind: string }>(
    `select id, kind from accounts where kind in ('world','platform_fees','points_issued') and user_id is null and merchant_id is null and queue_id is null`,
  );
  const by = new Map(r.rows.map((x) => [x.kind, Number(x.id)]));
  return { world: by.get("world")!, platformFees: by.get("platform_fees")!, pointsIssued: by.get("points_issued")! };
}

/**
 * The run's data: the order phases' stores and customers, and a store of its own for each long
 * queue (the drain's, the position lookup's).
 */
export async function seedBench(db: Db, pool: pg.Pool, sizes: { stores: number; customers: number }) {
  await seedUsers(pool, sizes.stores, sizes.customers);
  const stores = await seedStores(db, pool, sizes.stores);
  const [drainStore] = await seedStores(db, pool, 1, sizes.stores + 1, "bench-drain");
  const [positionStore] = await seedStores(db, pool, 1, sizes.stores + 2, "bench-position");
  const customers = await loadCustomers(pool);
  const platform = await loadPlatform(pool);
  return { stores, drainStore: drainStore!, positionStore: positionStore!, customers, platform };
}

/**
 * Fills one store's queue with `entries` waiting entries, `perOrder` units of ¥100 per paid order
 * (as a ¥(100 × perOrder) order splits under the default unit cap), spread over the bench customers,
 * and funds its pool with `poolCoversEntries` × ¥100 through a balanced ledger transaction.
 * Set-based: one INSERT … SELECT for the orders and one for the entries.
 */
export async function seedQueue(
  pool: pg.Pool,
  store: BenchStore,
  opts: { entries: number; perOrder: number; poolCoversEntries: number },
): Promise<void> {
  const unit = 10_000;
  const nOrders = Math.ceil(opts.entries / opts.perOrder);
  const amount = unit * opts.perOrder;
  const s = computeShares(amount, BENCH_RULES);
  await pool.query(
    `insert into orders (order_no, customer_id, merchant_id, queue_id, rule_version_id, amount_fen, points_used, cash_fen,
                         rebate_fen, platform_fee_fen, points_earned, pool_fen, status, idempotency_key, request_hash,
                         provider, provider_ref, paid_at)
     select 'FLQ' || $1::bigint || '-' || g, c.ids[1 + (g % c.n)], $2, $1, $3, $4, 0, $4, $5, $6, $7, $8, 'paid',
            'seed-' || $1::bigint || '-' || g, 'seed', 'bench', 'seed-' || g, now()
     from generate_series(1, $9::int) g,
          (select array_agg(id order by id) as ids, count(*)::int as n from users where username like 'bc%') c`,
    [store.queueId, store.merchantId, store.ruleVersionId, amount, s.rebateFen, s.platformFeeFen, s.pointsEarned, s.poolFen, nOrders],
  );
  await pool.query(
    `insert into queue_entries (queue_id, order_id, customer_id, merchant_id, rule_version_id, position, target_fen, cum_fen)
     select $1, o.id, o.customer_id, $2, $3, (o.rn - 1) * $4 + k, $5, ((o.rn - 1) * $4 + k - 1) * $5::bigint
     from (select id, customer_id, row_number() over (order by id) as rn from orders where queue_id = $1) o
     cross join generate_series(1, $4::int) k
     where (o.rn - 1) * $4 + k <= $6`,
    [store.queueId, store.merchantId, store.ruleVersionId, opts.perOrder, unit, opts.entries],
  );
  // The queue's counters, as appendEntries would have left them (every unit is the same ¥100).
  await pool.query(`update queues set next_position = $2 + 1, appended_fen = $2::bigint * $3::bigint where id = $1`, [store.queueId, opts.entries, unit]);
  if (opts.poolCoversEntries > 0) {
    const fund = unit * opts.poolCoversEntries;
    // Balanced: world pays the pool, as the orders' pool shares would have.
    await pool.query(
      `with t as (insert into ledger_transactions (kind, queue_id, reason) values ('order_paid', $1, 'bench seed: pool funding') returning id),
            e as (insert into ledger_entries (transaction_id, account_id, asset, amount)
                  select t.id, x.acc, 'CNY', x.amt from t, (values ($2::bigint, -$4::bigint), ($3::bigint, $4::bigint)) as x(acc, amt))
       update accounts set balance = balance + $4 where id = $3`,
      [store.queueId, (await loadPlatform(pool)).world, store.poolId, fund],
    );
  }
  await pool.query(`analyze orders; analyze queue_entries; analyze accounts`);
}
