import "server-only";
import { eq, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { mapFirst, mapRows } from "@/db/rows";
import { merchants } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { csvRow, fenToYuanText } from "@/lib/csv";
import { DomainError } from "@/lib/errors";
import { formatFen } from "@/lib/money/format";

/** Why a store cannot close yet: customers still waiting, paying or owed a refund, or a debt. */
export type ClosingBlocker =
  | { kind: "waiting"; count: number }
  | { kind: "pendingOrders"; count: number }
  | { kind: "refunds"; count: number }
  | { kind: "debt"; amountFen: number };

/** Where the store stands; after closeStore's lock it sees everything committed before it. */
async function closingBlockers(conn: Db | Tx, merchantId: number): Promise<ClosingBlocker[]> {
  const res = await conn.execute(sql`
    select
      (select count(*) from queue_entries where merchant_id = ${merchantId} and status = 'waiting')::int as waiting,
      (select count(*) from orders where merchant_id = ${merchantId} and status = 'pending')::int as pending,
      (select count(*) from payment_refunds r join orders o on o.id = r.order_id
        where o.merchant_id = ${merchantId} and r.status <> 'succeeded')::int as refunds,
      (select balance from accounts where merchant_id = ${merchantId} and kind = 'merchant_settlement') as settlement`);
  // A select without from: always one row.
  const r = mapFirst(res, (c) => ({
    waiting: c.int("waiting"),
    pending: c.int("pending"),
    refunds: c.int("refunds"),
    settlement: c.intOrNull("settlement") ?? 0,
  }))!;
  const out: ClosingBlocker[] = [];
  if (r.waiting > 0) out.push({ kind: "waiting", count: r.waiting });
  if (r.pending > 0) out.push({ kind: "pendingOrders", count: r.pending });
  if (r.refunds > 0) out.push({ kind: "refunds", count: r.refunds });
  if (r.settlement < 0) out.push({ kind: "debt", amountFen: -r.settlement });
  return out;
}

export function closingError(b: ClosingBlocker): DomainError {
  switch (b.kind) {
    case "waiting":
      return new DomainError("not_allowed", "privacy.storeWaiting", undefined, { count: b.count });
    case "pendingOrders":
      return new DomainError("not_allowed", "privacy.storePendingOrders", undefined, { count: b.count });
    case "refunds":
      return new DomainError("not_allowed", "privacy.storeRefunds", undefined, { count: b.count });
    case "debt":
      return new DomainError("not_allowed", "privacy.storeDebt", undefined, { amount: formatFen(b.amountFen) });
  }
}

/** For the store data page: what would refuse a closing right now. */
export function storeClosingBlockers(merchantId: number): Promise<ClosingBlocker[]> {
  return closingBlockers(db, merchantId);
}

/**
 * Closes the owner's approved store for good: no new orders (lib/orders/create.ts refuses a closed
 * store), and the merchant console closes with it. Refused while customers of the store wait in
 * the queue, are paying, or are owed a refund, or while the store owes the platform. The store row
 * is locked FOR UPDATE first, which waits for any order being inserted for it and holds off new ones.
 */
export async function closeStore(tx: Tx, args: { ownerUserId: number; slugTyped: string }): Promise<{ merchantId: number }> {
  const [m] = await tx
    .select({ id: merchants.id, slug: merchants.slug, status: merchants.status })
    .from(merchants)
    .where(eq(merchants.ownerUserId, args.ownerUserId))
    .for("update");
  if (!m || m.status !== "approved") throw new DomainError("forbidden", "merchant.notApproved");
  if (args.slugTyped.trim().toLowerCase() !== m.slug) throw new DomainError("invalid_input", "privacy.storeConfirm", "slug");
  const merchantId = m.id;
  const blockers = await closingBlockers(tx, merchantId);
  if (blockers[0]) throw closingError(blockers[0]);
  await tx.update(merchants).set({ status: "closed" }).where(eq(merchants.id, merchantId));
  await recordAudit(tx, { actorUserId: args.ownerUserId, action: "store.close", subjectType: "merchant", subjectId: merchantId });
  return { merchantId };
}

/**
 * The store's own data as JSON: its profile, every rule version, its orders (customers by id only:
 * their personal data is theirs), queue entries and the settlement account's ledger lines.
 */
export async function storeData(merchantId: number): Promise<Record<string, unknown>> {
  // Raw on purpose: the file holds the rows as Postgres sends them (snake_case columns, timestamps
  // as Postgres writes them), and nothing here reads a column, so there is nothing to map.
  const q = async (s: ReturnType<typeof sql>) => (await db.execute(s)).rows;
  const [store] = await q(sql`select id, slug, name, status, queue_id, rule_version, created_at, reviewed_at from merchants where id = ${merchantId}`);
  const [rules, orders, entries, settlement] = await Promise.all([
    q(sql`select * from rule_versions where merchant_id = ${merchantId} order by version`),
    q(sql`
      select order_no, customer_id, amount_fen, points_used, cash_fen, rebate_fen, platform_fee_fen, points_earned, pool_fen,
             status, provider, created_at, paid_at, refunded_at, closed_at
      from orders where merchant_id = ${merchantId} order by id`),
    q(sql`
      select e.id, o.order_no, e.position, e.target_fen, e.status, e.paid_kind, e.created_at, e.settled_at
      from queue_entries e join orders o on o.id = e.order_id where e.merchant_id = ${merchantId} and e.status <> 'moved' order by e.id`),
    q(sql`
      select le.id, le.created_at, t.kind, le.amount, o.order_no from ledger_entries le
      join accounts a on a.id = le.account_id join ledger_transactions t on t.id = le.transaction_id
      left join orders o on o.id = t.order_id
      where a.merchant_id = ${merchantId} and a.kind = 'merchant_settlement' order by le.id`),
  ]);
  return { exportedAt: new Date().toISOString(), store, rules, orders, queueEntries: entries, settlementLedger: settlement };
}

/** The store's orders as CSV, with a byte order mark for spreadsheet apps. */
export async function storeOrdersCsv(merchantId: number): Promise<string> {
  // Raw so the times stay in the text Postgres writes (the file's format); the query builder
  // would hand them back as Dates.
  const res = await db.execute(sql`
    select order_no, customer_id, amount_fen, cash_fen, rebate_fen, points_used, status, created_at, paid_at, refunded_at
    from orders where merchant_id = ${merchantId} order by id`);
  const header = ["order_no", "customer_id", "amount_yuan", "cash_yuan", "rebate_yuan", "points_used", "status", "created_at", "paid_at", "refunded_at"];
  const body = mapRows(res, (r) =>
    csvRow([
      r.str("order_no"), r.int("customer_id"), fenToYuanText(r.int("amount_fen")), fenToYuanText(r.int("cash_fen")),
      fenToYuanText(r.int("rebate_fen")), r.int("points_used"), r.str("status"), r.str("created_at"), r.strOrNull("paid_at") ?? "", r.strOrNull("refunded_at") ?? "",
    ]),
  );
  return `\uFEFF${csvRow(header)}${body.join("")}`;
}

/** Records the owner's download of the store's data in the audit log. */
export async function recordStoreExport(conn: Db | Tx, args: { ownerUserId: number; merchantId: number; file: "json" | "orders" }): Promise<void> {
  await recordAudit(conn, { actorUserId: args.ownerUserId, action: "store.export", subjectType: "merchant", subjectId: args.merchantId, details: { file: args.file } });
}
