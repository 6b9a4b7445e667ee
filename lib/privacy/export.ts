import "server-only";
import { and, count, eq, gt, min, sql, type SQL } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { mapRows } from "@/db/rows";
import { auditLog, payoutAccountKind, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { csvRow, fenToYuanText, type CsvCell } from "@/lib/csv";
import { RateLimitError } from "@/lib/errors";
import { destinationOf } from "@/lib/wallet/payout-accounts";
import { maskPayoutAccount } from "@/lib/wallet/mask";

/** Downloads of one's data (any of the files) allowed per person in a rolling hour. */
export const EXPORT_LIMIT_PER_HOUR = 10;

export type ExportFile = "json" | "orders" | "ledger";

type Row = Record<string, unknown>;

/** One section of the export, read raw: each column as the driver gives it (timestamps as Postgres' text). */
function section(query: SQL) {
  return db.execute(query);
}

/**
 * A section's rows as they are, for the JSON download: nothing reads their columns, which go out
 * untyped and unchanged. A section whose columns are read (the CSVs, the masked accounts) maps them.
 */
async function rows(query: SQL): Promise<Row[]> {
  return (await section(query)).rows;
}

/**
 * Admits one download and writes it to the audit log, or refuses with a retry time once the person
 * has downloaded EXPORT_LIMIT_PER_HOUR files in the last hour. The user row is locked for the count,
 * so parallel downloads cannot all slip under the limit.
 */
export async function admitExport(tx: Tx, userId: number, file: ExportFile): Promise<void> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("no key update");
  const [recent] = await tx
    .select({ n: count(), oldest: min(auditLog.createdAt) })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, "privacy.export"),
        eq(auditLog.actorUserId, userId),
        gt(auditLog.createdAt, sql`now() - interval '1 hour'`),
      ),
    );
  const { n, oldest } = recent ?? { n: 0, oldest: null };
  if (n >= EXPORT_LIMIT_PER_HOUR) {
    const retryAtMs = (oldest?.getTime() ?? Date.now()) + 3_600_000;
    const seconds = Math.max(1, Math.ceil((retryAtMs - Date.now()) / 1000));
    throw new RateLimitError("privacy.exportThrottled", seconds, undefined, { max: EXPORT_LIMIT_PER_HOUR });
  }
  await recordAudit(tx, { actorUserId: userId, action: "privacy.export", subjectType: "user", subjectId: userId, details: { file } });
}

/**
 * Everything kept about one person (PIPL art. 45), as plain JSON: the profile and consents, orders
 * and queue entries, points lots and every ledger line on their accounts (points, wallet, refunds),
 * withdrawals, failed sign-in counters, and the audit entries about them or by them. Each section
 * is one query; a new table with personal data adds its own.
 */
export async function personalData(userId: number): Promise<Record<string, unknown>> {
  const [profile] = await rows(sql`
    select id, username, phone, display_name, role, created_at, session_version from users where id = ${userId}`);
  const sections = await Promise.all([
    rows(sql`select notice_version, consented_at from privacy_consents where user_id = ${userId} order by notice_version`),
    rows(sql`
      select o.order_no, m.name as store, o.amount_fen, o.points_used, o.cash_fen, o.rebate_fen, o.points_earned,
             o.status, o.provider, o.created_at, o.paid_at, o.refunded_at, o.closed_at
      from orders o join merchants m on m.id = o.merchant_id where o.customer_id = ${userId} order by o.id`),
    rows(sql`
      select e.id, o.order_no, q.name as queue, e.position, e.target_fen, e.status, e.paid_kind, e.created_at, e.settled_at
      from queue_entries e join orders o on o.id = e.order_id join queues q on q.id = e.queue_id
      where e.customer_id = ${userId} and e.status <> 'moved' order by e.id`),
    rows(sql`
      select id, source, points, remaining, released_at, expires_at from points_lots where user_id = ${userId} order by id`),
    rows(ledgerLines(userId)),
    rows(sql`
      select id, amount_fen, fee_fen, status, reason, created_at, decided_at from withdrawals where user_id = ${userId} order by id`),
    payoutAccounts(userId),
    rows(sql`
      select kind, params, subject, created_at, read_at from notifications where user_id = ${userId} order by id`),
    rows(sql`
      select locale, created_at from push_subscriptions where user_id = ${userId} order by id`),
    rows(sql`
      select key, failures, strikes, locked_until, updated_at from auth_throttles
      where key in (select 'account:' || username from users where id = ${userId}
                    union all select 'account:' || phone from users where id = ${userId}
                    union all select 'withdraw:' || ${userId}::text)`),
    rows(sql`
      select action, subject_type, subject_id, reason, details, created_at from audit_log
      where actor_user_id = ${userId} or (subject_type = 'user' and subject_id = ${String(userId)}) order by id`),
  ]);
  const [consents, orders, queueEntries, pointsLots, ledger, withdrawals, payoutAccountRows, notificationRows, pushRows, signInThrottles, auditLog] = sections;
  return {
    exportedAt: new Date().toISOString(),
    profile,
    consents,
    // Sign-ins are signed tokens kept in the browser, not stored here: the server keeps only the
    // session version above, which signing out (or a password change) raises to end them all.
    sessions: { storedServerSide: false, sessionVersion: profile?.session_version ?? null },
    orders,
    queueEntries,
    pointsLots,
    ledger,
    withdrawals,
    payoutAccounts: payoutAccountRows,
    notifications: notificationRows,
    // The push service's address and keys are the browser's, not the person's: the count and dates say enough.
    pushSubscriptions: pushRows,
    signInThrottles,
    auditLog,
  };
}

/**
 * The payout accounts the person bound, masked as everywhere else: a download can be left on a
 * shared phone, and the person knows their own account.
 */
async function payoutAccounts(userId: number): Promise<Row[]> {
  const bound = await section(sql`
    select id, kind, openid, alipay_account, real_name, created_at, unbound_at from payout_accounts
    where user_id = ${userId} order by id`);
  return mapRows(bound, (r) => ({
    id: r.int("id"),
    ...maskPayoutAccount(
      destinationOf({
        kind: r.oneOf("kind", payoutAccountKind.enumValues),
        openid: r.strOrNull("openid"),
        alipay_account: r.strOrNull("alipay_account"),
        real_name: r.strOrNull("real_name"),
      }),
    ),
    // Postgres' text, as every other section's times.
    createdAt: r.str("created_at"),
    unboundAt: r.strOrNull("unbound_at"),
  }));
}

/** Every ledger line on the person's own accounts (wallet, withdrawals, points, reserve, refunds). */
function ledgerLines(userId: number): SQL {
  return sql`
    select le.id, le.created_at, t.kind, a.kind as account, le.asset, le.amount, o.order_no
    from ledger_entries le
    join accounts a on a.id = le.account_id
    join ledger_transactions t on t.id = le.transaction_id
    left join orders o on o.id = t.order_id
    where a.user_id = ${userId}
    order by le.id`;
}

/** The person's orders as CSV (UTF-8 with a byte order mark, for spreadsheet apps). */
export async function ordersCsv(userId: number): Promise<string> {
  const data = await section(sql`
    select o.order_no, m.name as store, o.amount_fen, o.points_used, o.cash_fen, o.points_earned, o.status, o.created_at, o.paid_at, o.refunded_at
    from orders o join merchants m on m.id = o.merchant_id where o.customer_id = ${userId} order by o.id`);
  const header = ["order_no", "store", "amount_yuan", "points_used", "cash_yuan", "points_earned", "status", "created_at", "paid_at", "refunded_at"];
  // Times as Postgres' text, as in the JSON download; a time not reached yet is an empty cell.
  return csv(header, mapRows(data, (r) => [
    r.str("order_no"), r.str("store"), fenToYuanText(r.int("amount_fen")), r.int("points_used"), fenToYuanText(r.int("cash_fen")),
    r.int("points_earned"), r.str("status"), r.str("created_at"), r.strOrNull("paid_at") ?? "", r.strOrNull("refunded_at") ?? "",
  ]));
}

/** Every ledger line on the person's accounts as CSV: amounts in the account's unit (fen or points). */
export async function ledgerCsv(userId: number): Promise<string> {
  const data = await section(ledgerLines(userId));
  const header = ["line_id", "time", "event", "account", "asset", "amount", "order_no"];
  return csv(header, mapRows(data, (r) => [
    r.int("id"), r.str("created_at"), r.str("kind"), r.str("account"), r.str("asset"), r.int("amount"), r.strOrNull("order_no") ?? "",
  ]));
}

function csv(header: string[], body: CsvCell[][]): string {
  return `\uFEFF${csvRow(header)}${body.map(csvRow).join("")}`;
}
