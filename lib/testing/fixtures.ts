// Test-only builders for integration tests on real Postgres. Each call makes fresh rows with
// unique names, so tests sharing one database never see each other's data.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { users, type Merchant } from "@/db/schema";
import { customerAccounts, openCustomerAccounts, post } from "@/lib/ledger";
import { addLot, lockPoints } from "@/lib/points/lots";
import { createStore } from "@/lib/merchants/store";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid, type PaidOrder } from "@/lib/orders/pay";
import { drainQueue } from "@/lib/queue/drain";
import { DEFAULT_RULES, type RuleSettings } from "@/lib/rules/settings";

let counter = 0;
function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid % 10000}_${Date.now() % 1_000_000}_${counter}`.slice(0, 32);
}

// Hashing real passwords would only slow these tests; login is tested on its own.
const NOT_A_HASH = "$argon2id$test-fixture-cannot-log-in";

export async function makeCustomer(role: "customer" | "merchant" | "operator" = "customer"): Promise<number> {
  return db.transaction(async (tx) => {
    const [u] = await tx
      .insert(users)
      .values({ username: uniqueName("u"), passwordHash: NOT_A_HASH, role, displayName: "Test" })
      .returning({ id: users.id });
    await openCustomerAccounts(tx, u!.id);
    return u!.id;
  });
}

/** Application details that pass every check (a made-up but well-formed licence number). */
export const SAMPLE_APPLICATION = {
  businessName: "Test Catering Co., Ltd.",
  licenceNo: "91310000MA1FL00001",
  contactPhone: "13800138000",
  address: "1 Test Road, Huangpu, Shanghai",
} as const;

export async function makeStore(rules: Partial<RuleSettings> = {}): Promise<Merchant> {
  const owner = await makeCustomer("merchant");
  const slug = uniqueName("s").replaceAll("_", "-").toLowerCase();
  return db.transaction((tx) =>
    createStore(tx, { ownerUserId: owner, slug, name: `Store ${slug}`, rules: { ...DEFAULT_RULES, ...rules }, approved: true }),
  );
}

/**
 * Creates an order and confirms its payment, as the checkout and the webhook would, then runs the
 * drain when it is due, as the queue.drain job the payment added would (pass `drain: false` to leave
 * it; the job itself stays queued, and no worker runs in these tests).
 */
export async function placePaidOrder(
  customerId: number,
  merchantId: number,
  amountFen: number,
  opts: { pointsUsed?: number; drain?: boolean } = {},
): Promise<PaidOrder> {
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, {
      customerId,
      merchantId,
      amountFen,
      pointsUsed: opts.pointsUsed ?? 0,
      idempotencyKey: randomUUID(),
      provider: "dev",
    }),
  );
  const paid = await inTransaction((tx) =>
    markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `test-${order.id}` }),
  );
  if (paid.drainDue && opts.drain !== false) await drainQueue(paid.queueId);
  return paid;
}

/** Kept balance of an account found by owner and kind. */
export async function balanceOf(
  owner: { userId: number } | { merchantId: number } | { queueId: number },
  kind: string,
): Promise<number> {
  const col = "userId" in owner ? sql`user_id = ${owner.userId}` : "merchantId" in owner ? sql`merchant_id = ${owner.merchantId}` : sql`queue_id = ${owner.queueId}`;
  const res = await db.execute<{ balance: number }>(sql`select balance from accounts where ${col} and kind = ${kind}`);
  const row = res.rows[0];
  if (!row) throw new Error(`no ${kind} account`);
  return Number(row.balance);
}

/** Sum of the entries of a platform-wide (derived) account. */
export async function derivedBalance(kind: "world" | "platform_fees" | "points_issued"): Promise<number> {
  const res = await db.execute<{ total: number }>(sql`
    select coalesce(sum(e.amount), 0)::bigint as total from ledger_entries e
    join accounts a on a.id = e.account_id where a.kind = ${kind}`);
  return Number(res.rows[0]!.total);
}

export async function entriesOf(queueId: number) {
  const res = await db.execute<{ id: number; position: number; target_fen: number; status: string; customer_id: number; order_id: number }>(
    sql`select id, position, target_fen, status, customer_id, order_id from queue_entries where queue_id = ${queueId} order by position`,
  );
  return res.rows.map((r) => ({
    id: Number(r.id),
    position: Number(r.position),
    targetFen: Number(r.target_fen),
    status: r.status,
    customerId: Number(r.customer_id),
    orderId: Number(r.order_id),
  }));
}

/** Moves a customer's locked points to available, as the daily release would (test shortcut). */
export async function releasePointsNow(userId: number, points: number): Promise<void> {
  await inTransaction(async (tx) => {
    await lockPoints(tx, userId);
    const acc = await customerAccounts(tx, userId);
    await post(tx, {
      kind: "points_release",
      legs: [
        { accountId: acc.points_locked, asset: "PTS", amount: -points },
        { accountId: acc.points_available, asset: "PTS", amount: points },
      ],
    });
    await addLot(tx, { userId, points, source: "release", expiryDays: 365 });
  });
}

/** Every balance an order's events touch, for before/after comparisons in money-path tests. */
export async function balanceSnapshot(customerId: number, merchantId: number, queueId: number) {
  return {
    reserve: await balanceOf({ userId: customerId }, "points_reserve"),
    locked: await balanceOf({ userId: customerId }, "points_locked"),
    available: await balanceOf({ userId: customerId }, "points_available"),
    wallet: await balanceOf({ userId: customerId }, "wallet"),
    settlement: await balanceOf({ merchantId }, "merchant_settlement"),
    pool: await balanceOf({ queueId }, "pool"),
    world: await derivedBalance("world"),
    fees: await derivedBalance("platform_fees"),
    issued: await derivedBalance("points_issued"),
  };
}
