import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { builtOnce, runPrepared, statement } from "@/db/prepared";
import { mapFirst } from "@/db/rows";
import { accounts, merchants, orders, users, type Order } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { approvedStore, type Store } from "@/lib/merchants/store";
import { orderPreview } from "@/lib/rules/preview";

// Crockford-like alphabet without 0/O/1/I/L, so an order number read aloud is unambiguous.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

export function newOrderNo(now = new Date()): string {
  const ymd = now.toISOString().slice(2, 10).replaceAll("-", "");
  const bytes = randomBytes(8);
  let tail = "";
  for (const b of bytes) tail += ALPHABET[b % ALPHABET.length];
  return `FL${ymd}${tail}`;
}

export type CreateOrderInput = {
  customerId: number;
  merchantId: number;
  amountFen: number;
  pointsUsed?: number;
  idempotencyKey: string;
  provider: string;
};

export type CreateOrderResult = { order: Order; replayed: boolean };

function requestHash(input: CreateOrderInput): string {
  const canonical = JSON.stringify([input.merchantId, input.amountFen, input.pointsUsed ?? 0, input.provider]);
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * Creates a pending order with its shares fixed from the store's current rule version.
 * The same idempotency key with the same payload returns the first order; with another payload
 * it is a conflict. Nothing moves in the ledger until the payment is confirmed. `store` is the
 * store as the caller already read it (the checkout reads it to parse the form), saving a read.
 *
 * No lock is taken on the store row: an order created while an alliance forms may record the
 * store's old queue, and the payment puts it in the store's current queue (markOrderPaid, checked
 * under the queue lock by appendEntries). A rule change committed after the read applies from the
 * next order.
 */
export async function createPendingOrder(tx: Tx, input: CreateOrderInput, store?: Store): Promise<CreateOrderResult> {
  const pointsUsed = input.pointsUsed ?? 0;
  const hash = requestHash(input);
  const existing = await findByKey(tx, input.customerId, input.idempotencyKey);
  if (existing) return replay(existing, hash);

  const at = store ?? (await approvedStore(tx, { merchantId: input.merchantId }));
  if (at.merchant.id !== input.merchantId) throw new Error("createPendingOrder: store does not match the order");
  if (!Number.isSafeInteger(pointsUsed) || pointsUsed < 0) {
    throw new DomainError("invalid_input", "points.badCount", "points");
  }
  // Points pay part of an order: at least 1 fen is paid in cash, through the provider.
  if (pointsUsed >= input.amountFen) {
    throw new DomainError("invalid_input", "points.partOnly", "points");
  }
  if (pointsUsed > 0) {
    const held = await availablePoints(tx, input.customerId);
    if (held < pointsUsed) {
      throw new DomainError("insufficient_funds", "points.notEnoughHeld", "points", { held });
    }
  }
  await lockOrderParties(tx, input.customerId, at.merchant.id);
  const inserted = await tx
    .insert(orders)
    .values(orderValues(at, input, hash))
    .onConflictDoNothing({ target: [orders.customerId, orders.idempotencyKey] })
    .returning();
  const order = inserted[0];
  if (order) return { order, replayed: false };
  // A concurrent request with the same key won the insert.
  const winner = await findByKey(tx, input.customerId, input.idempotencyKey);
  if (!winner) throw new Error("idempotent order vanished");
  return replay(winner, hash);
}

/**
 * Inserts an order that is paid already (at a POS counter): status `paid` from the start, with the
 * provider's reference, so no pending row is written and updated. The caller has made the key
 * unique (the POS claims it first) and applies the payment in the same transaction (applyPayment).
 */
export async function insertPaidOrder(
  tx: Tx,
  store: Store,
  input: Omit<CreateOrderInput, "merchantId" | "pointsUsed"> & { providerRef: string },
): Promise<Order> {
  const full = { ...input, merchantId: store.merchant.id, pointsUsed: 0 };
  const [row] = await insertPaidOrderQuery(tx, { ...orderValues(store, full, requestHash(full)), providerRef: input.providerRef });
  if (!row) throw new Error("paid order not inserted");
  const { partyDeleted, partyStatus, partySuspended, ...order } = row;
  // A refusal throws, and the transaction, the insert with it, rolls back.
  refuseClosedParties({ deleted: partyDeleted, status: partyStatus, suspended: partySuspended });
  return order;
}

type PaidOrderValues = ReturnType<typeof orderValues> & { providerRef: string };

/**
 * The paid order's insert, with the order's parties locked in the same statement (one round trip
 * fewer per POS order than lockOrderParties first): the CTE takes the same FOR KEY SHARE locks and
 * its row, read after any deletion, closing or suspension holding it commits, comes back with the
 * inserted row. Built once (db/prepared.ts): the same columns for every order, each value a
 * placeholder of its own name, so the text never changes.
 */
const insertPaidOrderQuery = builtOnce("insert_paid_order", (db) => {
  const value = <K extends keyof PaidOrderValues>(k: K) => sql.placeholder(k);
  const parties = db.$with("parties").as(
    db
      .select({
        deleted: sql<boolean>`${users.deletedAt} is not null`.as("deleted"),
        status: sql<string>`${merchants.status}::text`.as("status"),
        suspended: sql<boolean>`${merchants.suspendedAt} is not null`.as("suspended"),
      })
      .from(users)
      .innerJoin(merchants, eq(merchants.id, value("merchantId")))
      .where(eq(users.id, value("customerId")))
      .for("key share"),
  );
  return db
    .with(parties)
    .insert(orders)
    .values({
      orderNo: value("orderNo"),
      customerId: value("customerId"),
      merchantId: value("merchantId"),
      queueId: value("queueId"),
      ruleVersionId: value("ruleVersionId"),
      amountFen: value("amountFen"),
      pointsUsed: value("pointsUsed"),
      cashFen: value("cashFen"),
      rebateFen: value("rebateFen"),
      platformFeeFen: value("platformFeeFen"),
      pointsEarned: value("pointsEarned"),
      poolFen: value("poolFen"),
      idempotencyKey: value("idempotencyKey"),
      requestHash: value("requestHash"),
      provider: value("provider"),
      providerRef: value("providerRef"),
      status: "paid" as const,
      paidAt: sql`now()`,
      // Every value orderValues() gives has its placeholder: a new column there fails to compile here.
    } satisfies Record<keyof PaidOrderValues, unknown> & Partial<Record<keyof typeof orders.$inferInsert, unknown>>)
    .returning({
      ...getTableColumns(orders),
      // Referenced, so the CTE runs (Postgres skips a select CTE nobody reads) and locks.
      partyDeleted: sql<boolean | null>`(select deleted from parties)`,
      partyStatus: sql<string | null>`(select status from parties)`,
      partySuspended: sql<boolean | null>`(select suspended from parties)`,
    });
});

// Every browser order runs it (a POS order locks in its insert): a named prepared statement
// (db/prepared.ts).
const LOCK_ORDER_PARTIES = statement(
  "lock_order_parties",
  `select u.deleted_at is not null as deleted, m.status::text as status, m.suspended_at is not null as suspended
   from users u, merchants m where u.id = $1 and m.id = $2
   for key share`,
);

/**
 * Takes the share locks an order's foreign keys would take anyway (FOR KEY SHARE on the customer
 * and the store), one statement early, and refuses a deleted customer, a closed store or a suspended one. An account
 * deletion or a store closing holds its row FOR UPDATE: this waits for it, and then reads the row
 * as it committed, so no order slips in behind either (lib/privacy/deletion.ts, lib/privacy/store.ts).
 */
async function lockOrderParties(tx: Tx, customerId: number, merchantId: number): Promise<void> {
  const row = mapFirst(await runPrepared(tx, LOCK_ORDER_PARTIES, [customerId, merchantId]), (r) => ({
    deleted: r.bool("deleted"),
    status: r.str("status"),
    suspended: r.bool("suspended"),
  }));
  refuseClosedParties(row ?? { deleted: null, status: null, suspended: null });
}

/** Refuses an order for a deleted customer, or at a closed or suspended store (null: no such row). */
function refuseClosedParties(p: { deleted: boolean | null; status: string | null; suspended: boolean | null }): void {
  if (p.deleted !== false) throw new DomainError("not_allowed", "privacy.accountDeleted");
  if (p.status === "closed") throw new DomainError("not_allowed", "privacy.storeClosed");
  // An operator's suspension (lib/merchants/suspension.ts) holds the row FOR UPDATE the same way.
  if (p.suspended) throw new DomainError("not_allowed", "store.suspended");
}

function orderValues(store: Store, input: CreateOrderInput, hash: string) {
  const pointsUsed = input.pointsUsed ?? 0;
  const { cashFen, shares } = orderPreview(input.amountFen, pointsUsed, store.rule);
  return {
    orderNo: newOrderNo(),
    customerId: input.customerId,
    merchantId: store.merchant.id,
    queueId: store.queueId,
    ruleVersionId: store.rule.id,
    amountFen: input.amountFen,
    pointsUsed,
    cashFen,
    rebateFen: shares.rebateFen,
    platformFeeFen: shares.platformFeeFen,
    pointsEarned: shares.pointsEarned,
    poolFen: shares.poolFen,
    idempotencyKey: input.idempotencyKey,
    requestHash: hash,
    provider: input.provider,
  };
}

async function availablePoints(tx: Tx, customerId: number): Promise<number> {
  const [row] = await tx
    .select({ balance: accounts.balance })
    .from(accounts)
    .where(and(eq(accounts.userId, customerId), eq(accounts.kind, "points_available")));
  return row?.balance ?? 0;
}

async function findByKey(tx: Tx, customerId: number, key: string): Promise<Order | undefined> {
  const rows = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.customerId, customerId), eq(orders.idempotencyKey, key)))
    .limit(1);
  return rows[0];
}

function replay(order: Order, hash: string): CreateOrderResult {
  if (order.requestHash !== hash) {
    throw new DomainError("conflict", "order.keyReused");
  }
  return { order, replayed: true };
}
