// Read-only ledger reports for the operator console: trial balance, account search, account
// history and the payout export. Nothing here writes; lib/ledger/post.ts stays the only writer.
import "server-only";
import { count, eq, max, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { containsPattern } from "@/db/like";
import { mapFirst, mapRows, type Cells } from "@/db/rows";
import { accountKind, asset as assetEnum, ledgerEntries, payoutKind, payouts, type Account } from "@/db/schema";

type Conn = Db | Tx;
export type AccountKind = Account["kind"];
export type AssetCode = Account["asset"];

const DERIVED = new Set<AccountKind>(["world", "platform_fees", "points_issued"]);

/** Whether an account keeps no balance of its own (platform-wide: the sum of its entries is it). */
export function isDerivedKind(kind: AccountKind): boolean {
  return DERIVED.has(kind);
}

// ---------------------------------------------------------------------------------------------
// Trial balance

export type KindTotal = {
  kind: AccountKind;
  asset: AssetCode;
  accounts: number;
  /** Sum of every entry on accounts of this kind. */
  entriesTotal: number;
  /** Sum of the kept balances (always 0 for derived kinds). */
  keptTotal: number;
  derived: boolean;
};

export type TrialBalance = {
  /** Per asset, the sum of all entries: double entry means each must be 0. */
  assets: { asset: AssetCode; total: number; balanced: boolean }[];
  kinds: KindTotal[];
};

/**
 * The trial balance: per asset the sum of every entry (0 when the books balance), and per account
 * kind the entries' total beside the kept balances' total. One pass over the entries.
 */
export async function trialBalanceReport(conn: Conn = db): Promise<TrialBalance> {
  const res = await conn.execute(sql`
    select a.kind::text as kind, a.asset::text as asset, count(*)::bigint as accounts,
           coalesce(sum(s.total), 0)::bigint as entries_total, coalesce(sum(a.balance), 0)::bigint as kept_total
    from accounts a
    left join (select account_id, sum(amount) as total from ledger_entries group by account_id) s on s.account_id = a.id
    group by a.kind, a.asset
    order by a.asset, a.kind`);
  const kinds: KindTotal[] = mapRows(res, (r) => {
    const kind = r.oneOf("kind", accountKind.enumValues);
    return {
      kind,
      asset: r.oneOf("asset", assetEnum.enumValues),
      accounts: r.int("accounts"),
      entriesTotal: r.int("entries_total"),
      keptTotal: r.int("kept_total"),
      derived: isDerivedKind(kind),
    };
  });
  const assets = (["CNY", "PTS"] as const).map((asset) => {
    const total = kinds.filter((k) => k.asset === asset).reduce((s, k) => s + k.entriesTotal, 0);
    return { asset, total, balanced: total === 0 };
  });
  return { assets, kinds };
}

// ---------------------------------------------------------------------------------------------
// Accounts: search and history

export type AccountOwner =
  | { type: "platform" }
  | { type: "user"; userId: number; username: string; displayName: string }
  | { type: "merchant"; merchantId: number; slug: string; name: string }
  | { type: "queue"; queueId: number; name: string };

export type AccountSummary = {
  id: number;
  kind: AccountKind;
  asset: AssetCode;
  /** The kept balance column (0 for derived kinds: see `derived`). */
  keptBalance: number;
  derived: boolean;
  owner: AccountOwner;
  createdAt: Date;
};

const ACCOUNT_COLUMNS = sql`
  a.id, a.kind::text as kind, a.asset::text as asset, a.balance, a.user_id, a.merchant_id, a.queue_id,
  u.username, u.display_name, m.slug, m.name as merchant_name, q.name as queue_name, a.created_at`;

const OWNER_JOINS = sql`
  left join users u on u.id = a.user_id
  left join merchants m on m.id = a.merchant_id
  left join queues q on q.id = a.queue_id`;

/** A row of ACCOUNT_COLUMNS. */
function toSummary(r: Cells): AccountSummary {
  const userId = r.intOrNull("user_id");
  const merchantId = r.intOrNull("merchant_id");
  const queueId = r.intOrNull("queue_id");
  let owner: AccountOwner = { type: "platform" };
  if (userId !== null) {
    owner = { type: "user", userId, username: r.strOrNull("username") ?? "", displayName: r.strOrNull("display_name") ?? "" };
  } else if (merchantId !== null) {
    owner = { type: "merchant", merchantId, slug: r.strOrNull("slug") ?? "", name: r.strOrNull("merchant_name") ?? "" };
  } else if (queueId !== null) {
    owner = { type: "queue", queueId, name: r.strOrNull("queue_name") ?? "" };
  }
  const kind = r.oneOf("kind", accountKind.enumValues);
  return {
    id: r.int("id"),
    kind,
    asset: r.oneOf("asset", assetEnum.enumValues),
    keptBalance: r.int("balance"),
    derived: isDerivedKind(kind),
    owner,
    createdAt: r.date("created_at"),
  };
}


export const ACCOUNT_SEARCH_LIMIT = 60;
const OWNER_MATCH_LIMIT = 20;

/**
 * Finds accounts for the operator's search box. A number matches an account id or a queue id
 * (its pool); text matches user names (login or display), merchant slugs and names (their
 * settlement account and their queue's pool), queue names, and the platform kinds by name
 * (`world`, `platform_fees`, `points_issued`). Each branch uses an index on accounts.
 */
export async function findAccounts(query: string, conn: Conn = db): Promise<AccountSummary[]> {
  const q = query.trim().slice(0, 64);
  // A NUL makes Postgres refuse the query (a 500 for ?q=%00); no name holds one. (The ledger
  // imports no domain code, so not lib/format's hasUnstorableText.)
  if (q === "" || q.includes("\u0000")) return [];
  const n = /^\d{1,15}$/.test(q) ? Number(q) : null;
  const p = containsPattern(q);
  const res = await conn.execute(sql`
    with hits as (
      select id from accounts where id = ${n}::bigint
      union select id from accounts where queue_id = ${n}::bigint
      union select a.id from accounts a
        join (select id from users where username ilike ${p} or display_name ilike ${p} order by id limit ${OWNER_MATCH_LIMIT}) hu
        on a.user_id = hu.id
      union select a.id from accounts a
        join (select id, queue_id from merchants where slug ilike ${p} or name ilike ${p} order by id limit ${OWNER_MATCH_LIMIT}) hm
        on a.merchant_id = hm.id or a.queue_id = hm.queue_id
      union select a.id from accounts a
        join (select id from queues where name ilike ${p} order by id limit ${OWNER_MATCH_LIMIT}) hq
        on a.queue_id = hq.id
      union select id from accounts
        where kind::text = ${q.toLowerCase()} and user_id is null and merchant_id is null and queue_id is null
    )
    select ${ACCOUNT_COLUMNS}
    from accounts a join hits h on h.id = a.id
    ${OWNER_JOINS}
    order by a.user_id nulls first, a.merchant_id nulls first, a.queue_id nulls first, a.id
    limit ${ACCOUNT_SEARCH_LIMIT}`);
  return mapRows(res, toSummary);
}

/** The three platform-wide accounts, for quick links. */
export async function platformAccountList(conn: Conn = db): Promise<AccountSummary[]> {
  const res = await conn.execute(sql`
    select ${ACCOUNT_COLUMNS} from accounts a ${OWNER_JOINS}
    where a.user_id is null and a.merchant_id is null and a.queue_id is null
    order by a.id`);
  return mapRows(res, toSummary);
}

export type AccountHistoryRow = {
  entryId: number;
  transactionId: number;
  txKind: string;
  /** Signed change to this account, in its asset's unit. */
  amount: number;
  /** This account's balance right after the entry: the sum of its entries up to and including it. */
  balanceAfter: number;
  reason: string | null;
  orderNo: string | null;
  queueId: number | null;
  actorName: string | null;
  createdAt: Date;
};

export type AccountHistory = {
  account: AccountSummary;
  entryCount: number;
  /** Sum of all the account's entries: its balance by the entries (I2 says it equals the kept one). */
  entriesTotal: number;
  rows: AccountHistoryRow[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  olderCursor: number | null;
};

export const ACCOUNT_PAGE_SIZE = 50;

/**
 * One account's details and one page of its entries, newest first, keyset-paged by entry id
 * (`before`: show entries older than that id). The running balance is the entries' total minus
 * what came after each row; it costs one sum over the entries newer than the page, no more than
 * paging there did. One read-only REPEATABLE READ snapshot, so the totals and the page agree.
 * Returns null for an unknown account.
 */
export async function accountHistory(
  accountId: number,
  opts: { before?: number; pageSize?: number } = {},
): Promise<AccountHistory | null> {
  const pageSize = Math.min(Math.max(opts.pageSize ?? ACCOUNT_PAGE_SIZE, 1), 200);
  const before = opts.before ?? null;
  return db.transaction(
    async (tx) => {
      const account = mapFirst(
        await tx.execute(sql`select ${ACCOUNT_COLUMNS} from accounts a ${OWNER_JOINS} where a.id = ${accountId}`),
        toSummary,
      );
      if (!account) return null;

      // The sums are read as the amount column's int8 (mapWith), as the ::bigint makes them.
      const e = ledgerEntries;
      const [agg] = await tx
        .select({
          n: count(),
          total: sql`coalesce(sum(${e.amount}), 0)::bigint`.mapWith(e.amount),
          newer: sql`coalesce(sum(${e.amount}) filter (where ${before}::bigint is not null and ${e.id} >= ${before}::bigint), 0)::bigint`.mapWith(e.amount),
        })
        .from(e)
        .where(eq(e.accountId, accountId));
      const { n: entryCount, total: entriesTotal, newer } = agg!;

      const page = await tx.execute(sql`
        select e.id, e.transaction_id, e.amount, e.created_at, t.kind::text as kind, t.reason, o.order_no, t.queue_id,
               au.display_name as actor_name
        from ledger_entries e
        join ledger_transactions t on t.id = e.transaction_id
        left join orders o on o.id = t.order_id
        left join users au on au.id = t.actor_user_id
        where e.account_id = ${accountId} ${before !== null ? sql`and e.id < ${before}` : sql``}
        order by e.id desc
        limit ${pageSize + 1}`);

      const entries = mapRows(page, (r) => ({
        entryId: r.int("id"),
        transactionId: r.int("transaction_id"),
        txKind: r.str("kind"),
        amount: r.int("amount"),
        reason: r.strOrNull("reason"),
        orderNo: r.strOrNull("order_no"),
        queueId: r.intOrNull("queue_id"),
        actorName: r.strOrNull("actor_name"),
        createdAt: r.date("created_at"),
      }));
      const hasOlder = entries.length > pageSize;
      let balance = entriesTotal - newer;
      const rows: AccountHistoryRow[] = entries.slice(0, pageSize).map((entry) => {
        const out = { ...entry, balanceAfter: balance };
        balance -= entry.amount;
        return out;
      });
      return {
        account,
        entryCount,
        entriesTotal,
        rows,
        olderCursor: hasOlder && rows.length > 0 ? rows[rows.length - 1]!.entryId : null,
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

// ---------------------------------------------------------------------------------------------
// Payout export

export type PayoutExportRow = {
  payoutId: number;
  createdAt: Date;
  queueId: number;
  queueName: string;
  entryId: number;
  position: number;
  customerId: number;
  customerName: string;
  orderNo: string;
  amountFen: number;
  kind: "fifo" | "draw";
  transactionId: number;
};

export type PayoutExportFilter = {
  /** Inclusive lower bound on the payout time. */
  from?: Date;
  /** Exclusive upper bound on the payout time. */
  until?: Date;
};

/** The newest payout id now: an export stops there, so rows written while it streams stay out. */
export async function lastPayoutId(conn: Conn = db): Promise<number> {
  const [row] = await conn.select({ id: max(payouts.id) }).from(payouts);
  return row?.id ?? 0;
}

/**
 * One batch of payouts for the CSV export, oldest first, keyset-paged by payout id:
 * ids in (afterId, upToId], filtered by time.
 */
export async function payoutExportBatch(
  opts: PayoutExportFilter & { afterId: number; upToId: number; limit: number },
  conn: Conn = db,
): Promise<PayoutExportRow[]> {
  const res = await conn.execute(sql`
    select p.id, p.created_at, p.queue_id, q.name as queue_name, p.queue_entry_id as entry_id, e.position,
           p.customer_id, u.display_name as customer_name, o.order_no, p.amount_fen, p.kind::text as kind, p.transaction_id
    from payouts p
    join queues q on q.id = p.queue_id
    join queue_entries e on e.id = p.queue_entry_id
    join orders o on o.id = e.order_id
    join users u on u.id = p.customer_id
    where p.id > ${opts.afterId} and p.id <= ${opts.upToId}
      ${opts.from ? sql`and p.created_at >= ${opts.from.toISOString()}::timestamptz` : sql``}
      ${opts.until ? sql`and p.created_at < ${opts.until.toISOString()}::timestamptz` : sql``}
    order by p.id
    limit ${opts.limit}`);
  return mapRows(res, (r) => ({
    payoutId: r.int("id"),
    createdAt: r.date("created_at"),
    queueId: r.int("queue_id"),
    queueName: r.str("queue_name"),
    entryId: r.int("entry_id"),
    position: r.int("position"),
    customerId: r.int("customer_id"),
    customerName: r.str("customer_name"),
    orderNo: r.str("order_no"),
    amountFen: r.int("amount_fen"),
    kind: r.oneOf("kind", payoutKind.enumValues),
    transactionId: r.int("transaction_id"),
  }));
}
