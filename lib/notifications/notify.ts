import "server-only";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { mapRows } from "@/db/rows";
import { notifications } from "@/db/schema";
import { addJob, addJobs } from "@/lib/jobs";
import { NOTIFICATION_PARAMS, type NotificationKind, type NotificationParams } from "./kinds";

/**
 * Tells a customer about an event, in the event's own transaction: the notification row (the
 * in-app list) and the job that delivers it by Web Push and SMS after commit exist only if the
 * event commits, and then neither is lost. `subject` names what it is about (`entry:42`): the same
 * subject told twice makes one notification and one delivery. Returns the new notification's id,
 * or null when this subject was already told.
 */
export async function notify<K extends NotificationKind>(
  tx: Tx,
  userId: number,
  kind: K,
  params: NotificationParams<K>,
  subject: string,
): Promise<number | null> {
  const body = NOTIFICATION_PARAMS[kind].parse(params);
  const [row] = await tx
    .insert(notifications)
    .values({ userId, kind, params: body, subject })
    .onConflictDoNothing({ target: [notifications.userId, notifications.kind, notifications.subject] })
    .returning({ id: notifications.id });
  if (!row) return null;
  const id = row.id;
  await addJob(tx, "notification.deliver", { notificationId: id });
  return id;
}

/** notify() for many customers at once, in two statements (a scheduled check may tell thousands). */
export async function notifyMany<K extends NotificationKind>(
  tx: Tx,
  kind: K,
  rows: { userId: number; params: NotificationParams<K>; subject: string }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const bodies = rows.map((r) => JSON.stringify(NOTIFICATION_PARAMS[kind].parse(r.params)));
  const res = await tx.execute(sql`
    insert into notifications (user_id, kind, params, subject)
    select u, ${kind}::notification_kind, p::jsonb, s
    from unnest(${sql.param(rows.map((r) => r.userId))}::bigint[], ${sql.param(bodies)}::text[], ${sql.param(rows.map((r) => r.subject))}::text[]) as x(u, p, s)
    on conflict (user_id, kind, subject) do nothing
    returning id`);
  const ids = mapRows(res, (r) => r.int("id"));
  await addJobs(tx, "notification.deliver", ids.map((notificationId) => ({ notificationId })));
  return ids.length;
}

/**
 * Every entry freed by one payout transaction (a drain batch or a draw), one notification each, in
 * two statements whatever the batch's size: the drain holds its queue lock meanwhile.
 */
export async function notifyEntriesFreed(tx: Tx, payoutTransactionId: number): Promise<number> {
  const res = await tx.execute(sql`
    insert into notifications (user_id, kind, params, subject)
    select p.customer_id, 'entry_freed',
           jsonb_build_object('orderNo', o.order_no, 'amountFen', p.amount_fen, 'via', p.kind::text),
           'entry:' || p.queue_entry_id
    from payouts p join queue_entries e on e.id = p.queue_entry_id join orders o on o.id = e.order_id
    where p.transaction_id = ${payoutTransactionId}
    order by p.id
    on conflict (user_id, kind, subject) do nothing
    returning id`);
  const ids = mapRows(res, (r) => r.int("id"));
  await addJobs(tx, "notification.deliver", ids.map((notificationId) => ({ notificationId })));
  return ids.length;
}

/**
 * A withdrawal paid or failed for good: call it in the transaction that records the provider's
 * answer (the withdrawal's id makes the subject, so a repeated answer tells once).
 */
export async function notifyWithdrawal(
  tx: Tx,
  args: { userId: number; withdrawalId: number; outcome: "paid" | "failed"; amountFen: number },
): Promise<number | null> {
  return notify(tx, args.userId, args.outcome === "paid" ? "withdrawal_paid" : "withdrawal_failed", { amountFen: args.amountFen }, `withdrawal:${args.withdrawalId}`);
}
