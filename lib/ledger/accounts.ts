import "server-only";
import { and, eq, inArray, isNull, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Tx } from "@/db";
import { accounts } from "@/db/schema";

type AccountKind = (typeof accounts.$inferSelect)["kind"];

/**
 * Customer accounts. The points reserve is kept per customer: it backs exactly that customer's
 * points in fen, stays guarded (never negative) and is no platform-wide hot row.
 */
export const CUSTOMER_KINDS = [
  { kind: "wallet", asset: "CNY" },
  { kind: "withdrawals_pending", asset: "CNY" },
  { kind: "points_reserve", asset: "CNY" },
  { kind: "points_locked", asset: "PTS" },
  { kind: "points_available", asset: "PTS" },
] as const;

export type CustomerAccountKind = (typeof CUSTOMER_KINDS)[number]["kind"];
export type CustomerAccounts = Record<CustomerAccountKind, number>;

/** Opens every ledger account a user needs as a customer. Idempotent. */
export async function openCustomerAccounts(tx: Tx, userId: number): Promise<void> {
  await tx
    .insert(accounts)
    .values(CUSTOMER_KINDS.map((k) => ({ kind: k.kind, asset: k.asset, userId })))
    .onConflictDoNothing();
}

/** Opens a merchant's settlement account. Idempotent. */
export async function openMerchantAccounts(tx: Tx, merchantId: number): Promise<void> {
  await tx
    .insert(accounts)
    .values({ kind: "merchant_settlement", asset: "CNY", merchantId })
    .onConflictDoNothing();
}

/** Opens a queue's pool account. Idempotent. */
export async function openPoolAccount(tx: Tx, queueId: number): Promise<void> {
  await tx.insert(accounts).values({ kind: "pool", asset: "CNY", queueId }).onConflictDoNothing();
}

// Account ids never change once opened (accounts are never deleted or re-owned), so the ids of the
// hot paths' accounts are kept per process. Bounded: past the limit the map simply starts over.
const ID_CACHE_LIMIT = 100_000;
const customerCache = new Map<number, CustomerAccounts>();
const settlementCache = new Map<number, number>();

function remember<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= ID_CACHE_LIMIT) m.clear();
  m.set(k, v);
  return v;
}

/** The account ids of one customer, by kind. */
export async function customerAccounts(tx: Tx, userId: number): Promise<CustomerAccounts> {
  const cached = customerCache.get(userId);
  if (cached) return cached;
  const rows = await tx
    .select({ id: accounts.id, kind: accounts.kind })
    .from(accounts)
    .where(eq(accounts.userId, userId));
  return customerAccountsOf(userId, Object.fromEntries(rows.map((r) => [r.kind, r.id])));
}

/**
 * A scalar subquery: the account ids of the user `userId` as one jsonb object, kind to id, or null
 * when they have none. For a read that fetches a customer with other things in one statement (the
 * POS order); pass the value to customerAccountsOf. `userId` must render qualified (a column of a
 * joined select, or a value): a bare `"id"` would name the subquery's own account id.
 */
export function customerAccountIds(userId: SQLWrapper): SQL<Record<string, number> | null> {
  return sql<Record<string, number> | null>`(select jsonb_object_agg(a.kind, a.id) from accounts a where a.user_id = ${userId})`;
}

/** The customer's account ids from `ids` (kind to id), checked complete, and kept in the cache. */
export function customerAccountsOf(userId: number, ids: Record<string, number> | null): CustomerAccounts {
  const out: Partial<Record<AccountKind, number>> = {};
  for (const k of CUSTOMER_KINDS) {
    const id = ids?.[k.kind];
    if (id === undefined) throw new Error(`user ${userId} has no ${k.kind} account`);
    out[k.kind] = Number(id);
  }
  return remember(customerCache, userId, out as CustomerAccounts);
}

/** A merchant's settlement account id. */
export async function settlementAccount(tx: Tx, merchantId: number): Promise<number> {
  const cached = settlementCache.get(merchantId);
  if (cached !== undefined) return cached;
  const [row] = await tx
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.merchantId, merchantId), eq(accounts.kind, "merchant_settlement")));
  if (!row) throw new Error(`merchant ${merchantId} has no settlement account`);
  return remember(settlementCache, merchantId, row.id);
}

/** A customer account opened on first use, so not among CUSTOMER_KINDS. */
type LazyCustomerKind = "refunds_pending" | "withdrawals_sending";
const lazyCaches: Record<LazyCustomerKind, Map<number, number>> = { refunds_pending: new Map(), withdrawals_sending: new Map() };

async function lazyCustomerAccount(tx: Tx, userId: number, kind: LazyCustomerKind): Promise<number> {
  const cache = lazyCaches[kind];
  const cached = cache.get(userId);
  if (cached !== undefined) return cached;
  const opened = await tx
    .insert(accounts)
    .values({ kind, asset: "CNY", userId })
    .onConflictDoNothing()
    .returning({ id: accounts.id });
  // Opened by this transaction: not remembered, since a rollback (a refusal, a deadlock retry) would
  // leave the cache pointing at an account that was never kept.
  if (opened[0]) return opened[0].id;
  const [row] = await tx
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), eq(accounts.kind, kind)));
  if (!row) throw new Error(`user ${userId} has no ${kind} account`);
  return remember(cache, userId, row.id);
}

/**
 * The customer's refunds_pending account: the cash their refunds owe them until the payment
 * provider confirms it went out. Opened on a customer's first refund (customers who never had one
 * have none), so it is not among CUSTOMER_KINDS.
 */
export function refundsPendingAccount(tx: Tx, userId: number): Promise<number> {
  return lazyCustomerAccount(tx, userId, "refunds_pending");
}

/**
 * The customer's withdrawals_sending account: the cash of their approved withdrawals on its way to
 * their bound payout account, until the provider confirms or refuses the transfer. Opened on the
 * customer's first approved withdrawal.
 */
export function withdrawalsSendingAccount(tx: Tx, userId: number): Promise<number> {
  return lazyCustomerAccount(tx, userId, "withdrawals_sending");
}

/** Wallet account ids for many customers, keyed by user id. */
export async function walletAccounts(tx: Tx, userIds: number[]): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .select({ id: accounts.id, userId: accounts.userId })
    .from(accounts)
    .where(and(eq(accounts.kind, "wallet"), inArray(accounts.userId, userIds)));
  return new Map(rows.map((r) => [r.userId!, r.id]));
}

export type PlatformAccounts = { world: number; platformFees: number; pointsIssued: number };

let platformCache: PlatformAccounts | undefined;

/** The three platform-wide accounts created by the migrations. They never change, so cache them. */
export async function platformAccounts(tx: Tx): Promise<PlatformAccounts> {
  if (platformCache) return platformCache;
  const rows = await tx
    .select({ id: accounts.id, kind: accounts.kind })
    .from(accounts)
    .where(
      and(
        inArray(accounts.kind, ["world", "platform_fees", "points_issued"]),
        isNull(accounts.userId),
        isNull(accounts.merchantId),
        isNull(accounts.queueId),
      ),
    );
  const by = new Map(rows.map((r) => [r.kind, r.id]));
  const world = by.get("world");
  const platformFees = by.get("platform_fees");
  const pointsIssued = by.get("points_issued");
  if (!world || !platformFees || !pointsIssued) throw new Error("platform accounts are missing: run the migrations");
  platformCache = { world, platformFees, pointsIssued };
  return platformCache;
}
