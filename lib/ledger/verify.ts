import "server-only";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { mapRows } from "@/db/rows";
import { ledgerEntries } from "@/db/schema";

export type InvariantResult = { id: string; title: string; violations: number; examples: string[] };

/** An invariant: a query that returns one row per violation, with a short description in `what`. */
export type InvariantCheck = { id: string; title: string; query: ReturnType<typeof sql> };

// Each query returns one row per violation, with a short description in `what`.
const CHECKS: InvariantCheck[] = [
  {
    id: "I1",
    title: "every transaction balances for each asset",
    query: sql`
      select 'tx ' || transaction_id || ' ' || asset || ' off by ' || sum(amount) as what
      from ledger_entries group by transaction_id, asset having sum(amount) <> 0
      union all
      select 'tx ' || t.id || ' has no entries' from ledger_transactions t
      where not exists (select 1 from ledger_entries e where e.transaction_id = t.id)
      union all
      select 'trigger ledger_entries_balance_per_asset is missing'
      where not exists (
        select 1 from pg_trigger g join pg_class c on c.oid = g.tgrelid
        where c.relname = 'ledger_entries' and g.tgname = 'ledger_entries_balance_per_asset' and g.tgenabled <> 'D'
      )`,
  },
  {
    id: "I2",
    title: "every kept balance equals the sum of its entries",
    query: sql`
      select 'account ' || a.id || ' (' || a.kind || ') balance ' || a.balance || ' <> entries ' || coalesce(s.total, 0) as what
      from accounts a
      left join (select account_id, sum(amount) as total from ledger_entries group by account_id) s on s.account_id = a.id
      where a.kind not in ('world','platform_fees','points_issued') and a.balance <> coalesce(s.total, 0)
      union all
      -- Available points are also kept by lot; the lots must add up to the balance.
      select 'user ' || a.user_id || ' available points ' || a.balance || ' <> lots ' || coalesce(l.total, 0)
      from accounts a
      left join (select user_id, sum(remaining) as total from points_lots group by user_id) l on l.user_id = a.user_id
      where a.kind = 'points_available' and a.balance <> coalesce(l.total, 0)`,
  },
  {
    id: "I3",
    title: "no guarded account is negative; a merchant's settlement only through a refund",
    query: sql`
      select 'account ' || id || ' (' || kind || ') is ' || balance as what from accounts
      where kind not in ('world','platform_fees','points_issued','merchant_settlement') and balance < 0
      union all
      -- A settlement may owe the platform, but only a refund may take it (further) below zero.
      select 'settlement ' || x.account_id || ' went to ' || x.running || ' by tx ' || x.transaction_id || ' (' || t.kind || ')'
      from (
        select e.account_id, e.transaction_id, e.amount,
               sum(e.amount) over (partition by e.account_id order by e.id) as running
        from ledger_entries e join accounts a on a.id = e.account_id
        where a.kind = 'merchant_settlement'
      ) x join ledger_transactions t on t.id = x.transaction_id
      where x.amount < 0 and x.running < 0 and t.kind not in ('order_refund', 'refund_shortfall')
      union all
      select 'constraint accounts_balance_guard is missing'
      where not exists (select 1 from pg_constraint where conname = 'accounts_balance_guard' and convalidated)`,
  },
  {
    id: "I4",
    title: "every paid entry has exactly one payout, of its target, from its pool to its customer",
    query: sql`
      select 'entry ' || e.id || ' is paid without a payout' as what from queue_entries e
      where e.status = 'paid' and not exists (select 1 from payouts p where p.queue_entry_id = e.id)
      union all
      select 'payout ' || p.id || ' for entry ' || p.queue_entry_id || ' does not match it' from payouts p
      join queue_entries e on e.id = p.queue_entry_id
      where e.status <> 'paid' or p.amount_fen <> e.target_fen or p.queue_id <> e.queue_id
         or p.customer_id <> e.customer_id or p.kind <> e.paid_kind
      union all
      select 'entry ' || queue_entry_id || ' has ' || count(*) || ' payouts' from payouts
      group by queue_entry_id having count(*) > 1
      union all
      -- The ledger side: each payout transaction takes exactly its payouts from the queue's pool and
      -- gives each customer's wallet exactly that customer's payouts.
      select 'payout tx ' || x.transaction_id || ' pool leg ' || coalesce(x.pool_leg, 0) || ' <> -' || x.paid
      from (
        select p.transaction_id, sum(p.amount_fen) as paid,
          (select sum(le.amount) from ledger_entries le join accounts a on a.id = le.account_id
            where le.transaction_id = p.transaction_id and a.kind = 'pool' and a.queue_id = min(p.queue_id)) as pool_leg
        from payouts p group by p.transaction_id
      ) x where coalesce(x.pool_leg, 0) <> -x.paid
      union all
      select 'payout tx ' || y.transaction_id || ' wallet of user ' || y.customer_id || ' got ' || coalesce(y.wallet_leg, 0) || ' <> ' || y.paid
      from (
        select p.transaction_id, p.customer_id, sum(p.amount_fen) as paid,
          (select sum(le.amount) from ledger_entries le join accounts a on a.id = le.account_id
            where le.transaction_id = p.transaction_id and a.kind = 'wallet' and a.user_id = p.customer_id) as wallet_leg
        from payouts p group by p.transaction_id, p.customer_id
      ) y where coalesce(y.wallet_leg, 0) <> y.paid
      union all
      select 'constraint payouts_queue_entry_key is missing'
      where not exists (select 1 from pg_indexes where indexname = 'payouts_queue_entry_key')`,
  },
  {
    id: "I5",
    title: "FIFO: no waiting entry sits ahead of an entry paid in order",
    query: sql`
      select 'queue ' || w.queue_id || ': entry at position ' || w.min_waiting || ' waits behind paid position ' || p.max_paid as what
      from (select queue_id, min(position) as min_waiting from queue_entries where status = 'waiting' group by queue_id) w
      join (select queue_id, max(position) as max_paid from queue_entries where status = 'paid' and paid_kind = 'fifo' group by queue_id) p
        on p.queue_id = w.queue_id
      where w.min_waiting < p.max_paid`,
  },
  {
    id: "I6",
    title: "no auto queue's pool covers its head once drains have run",
    query: sql`
      select 'queue ' || q.id || ' pool ' || a.balance || ' covers head ' || h.target_fen as what
      from queues q
      join accounts a on a.queue_id = q.id and a.kind = 'pool'
      join lateral (
        select target_fen from queue_entries e where e.queue_id = q.id and e.status = 'waiting'
        order by position limit 1
      ) h on true
      where q.payout_mode = 'auto' and a.balance >= h.target_fen`,
  },
  {
    id: "I7",
    title: "an order is paid once",
    query: sql`
      select 'order ' || order_id || ' has ' || count(*) || ' payment postings' as what
      from ledger_transactions where kind = 'order_paid' group by order_id having count(*) > 1
      union all
      select 'order ' || o.id || ' is ' || o.status || ' but its payment posting count is wrong' from orders o
      where (o.status in ('paid', 'refunded')) <> exists (select 1 from ledger_transactions t where t.kind = 'order_paid' and t.order_id = o.id)
      union all
      select 'constraint orders_customer_idempotency_key is missing'
      where not exists (select 1 from pg_indexes where indexname = 'orders_customer_idempotency_key')`,
  },
  {
    id: "I8",
    title: "ledger rows are never updated or deleted (append-only triggers in place)",
    query: sql`
      select 'table ' || t.tbl || ' lacks its append-only trigger' as what
      from (values ('ledger_transactions'), ('ledger_entries'), ('payouts'), ('audit_log')) as t(tbl)
      where not exists (
        select 1 from pg_trigger g join pg_class c on c.oid = g.tgrelid
        where c.relname = t.tbl and g.tgname = t.tbl || '_append_only' and g.tgenabled <> 'D'
      )`,
  },
  {
    id: "I10",
    title: "every refund reverses its purchase exactly, only the store covers a shortfall, a returned payment is posted once, and the cash leaves once the provider confirms",
    query: sql`
      -- The refund posting undoes the purchase account by account. Points may come back from
      -- available instead of locked, and the cash goes to the customer's refunds_pending instead of
      -- the rails, so those pairs are compared together.
      select 'order ' || o.id || ': refund does not reverse the purchase on ' || d.class as what
      from orders o
      join lateral (
        -- The pool share comes back from the pool the order's entries wait in now, which a hand-over
        -- (pool_transfer) may have changed, so the pools are one class.
        select case when a.kind in ('points_locked','points_available') then 'points of user ' || a.user_id
                    when a.kind = 'pool' then 'pool'
                    when a.kind in ('world','refunds_pending') then 'cash'
                    else 'account ' || a.id end as class,
               sum(e.amount) as net
        from ledger_transactions t
        join ledger_entries e on e.transaction_id = t.id
        join accounts a on a.id = e.account_id
        where t.order_id = o.id and t.kind in ('order_paid','order_refund')
        group by 1
      ) d on true
      where exists (select 1 from ledger_transactions t where t.order_id = o.id and t.kind = 'order_refund') and d.net <> 0
      union all
      -- A shortfall moves at most the order's pool share from its store's settlement to its queue's pool.
      select 'order ' || t.order_id || ': shortfall tx ' || t.id || ' is not settlement to pool within the pool share'
      from ledger_transactions t join orders o on o.id = t.order_id
      where t.kind = 'refund_shortfall' and not (
        (select count(*) from ledger_entries e where e.transaction_id = t.id) = 2
        and exists (select 1 from ledger_entries e join accounts a on a.id = e.account_id
                    where e.transaction_id = t.id and a.kind = 'merchant_settlement' and a.merchant_id = o.merchant_id
                      and e.amount < 0 and -e.amount <= o.pool_fen)
        and exists (select 1 from ledger_entries e join accounts a on a.id = e.account_id
                    where e.transaction_id = t.id and a.kind = 'pool' and a.queue_id = t.queue_id and e.amount > 0)
        and o.status = 'refunded')
      union all
      -- A refunded order has one refund record and one reversal; no other order has either (a
      -- returned payment's record is not the order's refund).
      select 'order ' || o.id || ' is ' || o.status || ' with ' || r.n || ' refund records and ' || t.n || ' reversals'
      from orders o
      cross join lateral (select count(*) as n from payment_refunds r where r.order_id = o.id and r.returned_payment_ref is null) r
      cross join lateral (select count(*) as n from ledger_transactions t where t.order_id = o.id and t.kind = 'order_refund') t
      where (o.status = 'refunded') <> (r.n = 1 and t.n = 1) or r.n > 1 or t.n > 1
      union all
      -- The cash: what came in (the order's payment, and each payment returned) is owed to the
      -- customer (refunds_pending) until the provider confirms its refund, then back on the rails
      -- exactly once.
      select 'order ' || o.id || ' has ' || c.owed || ' owed and world net ' || c.world || ' against refunds of ' || f.open_fen || ' open and ' || f.sent_fen || ' sent'
      from (select distinct order_id from payment_refunds) ro
      join orders o on o.id = ro.order_id
      cross join lateral (
        select coalesce(sum(r.amount_fen) filter (where r.status <> 'succeeded'), 0) as open_fen,
               coalesce(sum(r.amount_fen) filter (where r.status = 'succeeded'), 0) as sent_fen,
               coalesce(sum(r.amount_fen) filter (where r.returned_payment_ref is not null), 0) as returned_fen
        from payment_refunds r where r.order_id = o.id
      ) f
      cross join lateral (
        select coalesce(sum(e.amount) filter (where a.kind = 'refunds_pending'), 0) as owed,
               coalesce(sum(e.amount) filter (where a.kind = 'world'), 0) as world
        from ledger_transactions t join ledger_entries e on e.transaction_id = t.id join accounts a on a.id = e.account_id
        where t.order_id = o.id
      ) c
      where c.owed <> f.open_fen
         or c.world <> f.sent_fen - f.returned_fen
                       - case when exists (select 1 from ledger_transactions t where t.order_id = o.id and t.kind = 'order_paid') then o.cash_fen else 0 end
      union all
      -- The same for each customer's refunds_pending account as a whole: the order check above sees
      -- only postings of an order with refund records, so cash put there by any other posting (of
      -- no order, or of an order with no refund) would sit there unowed and unseen.
      select 'user ' || a.user_id || ': refunds_pending ' || a.balance || ' <> open refunds ' || coalesce(f.open_fen, 0)
      from accounts a
      left join (select o.customer_id, sum(r.amount_fen) as open_fen
                 from payment_refunds r join orders o on o.id = r.order_id
                 where r.status <> 'succeeded' group by o.customer_id) f on f.customer_id = a.user_id
      where a.kind = 'refunds_pending' and a.balance <> coalesce(f.open_fen, 0)
      union all
      -- Each refund the provider confirmed leaves the rails once (an order paid with points alone
      -- has nothing to send).
      select 'order ' || coalesce(t.order_id, r.order_id) || ' has ' || coalesce(t.n, 0) || ' refund_sent postings for ' || coalesce(r.n, 0) || ' confirmed refunds'
      from (select order_id, count(*) as n from ledger_transactions where kind = 'refund_sent' group by order_id) t
      full join (select order_id, count(*) as n from payment_refunds where status = 'succeeded' and amount_fen > 0 group by order_id) r
        on r.order_id = t.order_id
      where coalesce(t.n, 0) <> coalesce(r.n, 0)
      union all
      -- A returned payment came in once: one payment_returned posting per record, of its amount,
      -- and never the payment that paid the order.
      select 'order ' || o.id || ' has ' || coalesce(p.n, 0) || ' payment_returned postings of ' || coalesce(p.fen, 0) || ' for ' || coalesce(r.n, 0) || ' returned payments of ' || coalesce(r.fen, 0)
      from orders o
      left join (select t.order_id, count(distinct t.id) as n, sum(e.amount) filter (where a.kind = 'refunds_pending') as fen
                 from ledger_transactions t join ledger_entries e on e.transaction_id = t.id join accounts a on a.id = e.account_id
                 where t.kind = 'payment_returned' group by t.order_id) p on p.order_id = o.id
      left join (select order_id, count(*) as n, sum(amount_fen) as fen from payment_refunds
                 where returned_payment_ref is not null group by order_id) r on r.order_id = o.id
      where (p.order_id is not null or r.order_id is not null)
        and (coalesce(p.n, 0) <> coalesce(r.n, 0) or coalesce(p.fen, 0) <> coalesce(r.fen, 0))
      union all
      select 'order ' || o.id || ' returned the payment that paid it (' || r.provider || ' ' || r.returned_payment_ref || ')'
      from payment_refunds r join orders o on o.id = r.order_id
      where r.returned_payment_ref = o.provider_ref and r.provider = o.provider and o.status in ('paid', 'refunded')`,
  },
  {
    id: "I11",
    title: "each customer's withdrawal accounts hold exactly their open withdrawals, and each approved one settles once",
    query: sql`
      -- Money waiting for a decision is in withdrawals_pending; money of an approved withdrawal is in
      -- withdrawals_sending until the provider answers; nothing else is in either.
      select 'user ' || u.user_id || ': withdrawals_pending ' || u.pending || ' <> requested ' || u.requested
             || ', withdrawals_sending ' || u.sending || ' <> in flight ' || u.in_flight as what
      from (
        select x.user_id,
               coalesce((select balance from accounts a where a.user_id = x.user_id and a.kind = 'withdrawals_pending'), 0) as pending,
               coalesce((select balance from accounts a where a.user_id = x.user_id and a.kind = 'withdrawals_sending'), 0) as sending,
               coalesce((select sum(amount_fen) from withdrawals w where w.user_id = x.user_id and w.status::text = 'requested'), 0) as requested,
               coalesce((select sum(amount_fen) from withdrawals w where w.user_id = x.user_id and w.status::text in ('approved','sending')), 0) as in_flight
        from (select user_id from withdrawals union select user_id from accounts where kind in ('withdrawals_pending','withdrawals_sending')) x
      ) u
      where u.pending <> u.requested or u.sending <> u.in_flight
      union all
      -- An approved withdrawal (one with an out-id) is paid or failed by exactly one posting of the
      -- matching kind and amount; one still in flight has none.
      select 'withdrawal ' || w.id || ' (' || w.status || ') settled by ' || coalesce(t.kind::text, 'nothing')
      from withdrawals w left join ledger_transactions t on t.id = w.settle_transaction_id
      where w.out_bill_no is not null and (
        (w.status::text = 'paid') <> (t.kind is not distinct from 'withdrawal_paid')
        or (w.status::text = 'failed') <> (t.kind is not distinct from 'withdrawal_failed')
        or (t.id is not null and (select sum(e.amount) from ledger_entries e join accounts a on a.id = e.account_id
                                  where e.transaction_id = t.id and a.kind = 'withdrawals_sending') <> -w.amount_fen))
      union all
      -- No settling posting that no withdrawal points to (a second confirmation would leave one).
      select 'tx ' || t.id || ' (' || t.kind || ') settles no withdrawal'
      from ledger_transactions t
      where t.kind in ('withdrawal_paid', 'withdrawal_failed', 'withdrawal_approved')
        and not exists (select 1 from withdrawals w where w.settle_transaction_id = t.id or w.decision_transaction_id = t.id)`,
  },
  {
    id: "I12",
    title: "every pool transfer moves money between two pools, no pool it touched ever went negative, and every moved entry's place points at it",
    query: sql`
      select 'pool_transfer tx ' || t.id || ' is not one pool to another pool with an actor' as what
      from ledger_transactions t
      where t.kind = 'pool_transfer' and not (
        t.actor_user_id is not null
        and (select count(*) from ledger_entries e where e.transaction_id = t.id) = 2
        and (select count(*) from ledger_entries e join accounts a on a.id = e.account_id
             where e.transaction_id = t.id and a.kind = 'pool' and e.asset = 'CNY') = 2
        and exists (select 1 from ledger_entries e join accounts a on a.id = e.account_id
                    where e.transaction_id = t.id and e.amount < 0 and a.queue_id = t.queue_id))
      union all
      -- Replayed in entry order, a pool that gave or took a transfer never held less than nothing.
      select 'pool ' || x.account_id || ' went to ' || x.running || ' by tx ' || x.transaction_id
      from (
        select e.account_id, e.transaction_id, e.amount,
               sum(e.amount) over (partition by e.account_id order by e.id) as running
        from ledger_entries e
        where e.account_id in (select e2.account_id from ledger_entries e2 join ledger_transactions t2 on t2.id = e2.transaction_id
                               where t2.kind = 'pool_transfer')
      ) x where x.amount < 0 and x.running < 0
      union all
      -- A moved row keeps the place an entry held in its old queue; the entry it names is the same
      -- unit of the same order (same customer, store, rule version and target), now in another
      -- queue or back in this one behind the place it left (a store that joined an alliance and
      -- got its queue back when the alliance was dissolved).
      select 'moved place ' || m.id || ' of queue ' || m.queue_id || ' names entry ' || coalesce(e.id::text, 'none') || ' that does not match it'
      from queue_entries m left join queue_entries e on e.id = m.moved_entry_id
      where m.status::text = 'moved' and (e.id is null or e.status::text = 'moved'
        or (e.queue_id = m.queue_id and e.position <= m.position)
        or e.order_id <> m.order_id or e.customer_id <> m.customer_id or e.merchant_id <> m.merchant_id
        or e.rule_version_id <> m.rule_version_id or e.target_fen <> m.target_fen)
      union all
      -- An entry leaves a queue once per stay: each stay after the first began by leaving another
      -- queue, which left a moved place there. More places in one queue than that is a double record.
      select 'entry ' || q.moved_entry_id || ' is named by ' || q.n || ' places in queue ' || q.queue_id
      from (select moved_entry_id, queue_id, count(*) as n,
                   sum(count(*)) over (partition by moved_entry_id) as everywhere
            from queue_entries where status::text = 'moved' group by moved_entry_id, queue_id) q
      where q.n > 1 + (q.everywhere - q.n)`,
  },
];

/**
 * Checks SPEC invariants I1–I8, refunds (I10), withdrawals (I11) and pool transfers (I12) against the database, then the `more` checks a domain above the
 * ledger adds (the queue's counters: verifyBooks in lib/queue/verify.ts).
 */
export async function verifyLedger(conn: Db | Tx, more: readonly InvariantCheck[] = []): Promise<InvariantResult[]> {
  const out: InvariantResult[] = [];
  for (const c of [...CHECKS, ...more]) {
    // Every row is a violation, whatever its text: a description that concatenated a null (and so
    // is null) still counts, and is shown as such rather than failing the whole check.
    const found = mapRows(await conn.execute(c.query), (r) => r.strOrNull("what") ?? "(violation with no description)");
    out.push({ id: c.id, title: c.title, violations: found.length, examples: found.slice(0, 5) });
  }
  return out;
}

/** Sum of every asset over all entries; both must be zero. */
export async function trialBalance(conn: Db | Tx): Promise<{ asset: string; total: number }[]> {
  // The enum's order (CNY, PTS) is also its text order. mapWith reads the sum as the amount column's
  // int8 (a number, refused past 2^53), typed by the schema rather than by a cast.
  return conn
    .select({ asset: ledgerEntries.asset, total: sql`coalesce(sum(${ledgerEntries.amount}), 0)::bigint`.mapWith(ledgerEntries.amount) })
    .from(ledgerEntries)
    .groupBy(ledgerEntries.asset)
    .orderBy(ledgerEntries.asset);
}
