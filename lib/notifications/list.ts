import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { parseNotification, type AnyNotification } from "./kinds";

export type NotificationItem = AnyNotification & { id: number; createdAt: Date; read: boolean };

export const PAGE_SIZE = 30;

/** A customer's notifications, newest first, `PAGE_SIZE` at a time (keyset: ids below `beforeId`). */
export async function listNotifications(userId: number, opts: { beforeId?: number; limit?: number } = {}): Promise<{ items: NotificationItem[]; more: boolean }> {
  const limit = Math.min(Math.max(opts.limit ?? PAGE_SIZE, 1), 100);
  const res = await db.execute<{ id: number; kind: string; params: unknown; created_at: Date; read_at: Date | null }>(sql`
    select id, kind, params, created_at, read_at from notifications
    where user_id = ${userId} ${opts.beforeId ? sql`and id < ${opts.beforeId}` : sql``}
    order by id desc
    limit ${limit + 1}`);
  const rows = res.rows.slice(0, limit);
  return {
    items: rows.map((r) => ({ ...parseNotification(r.kind, r.params), id: Number(r.id), createdAt: new Date(r.created_at), read: r.read_at !== null })),
    more: res.rows.length > limit,
  };
}

/** How many of the customer's notifications are unread (the badge in the header and tab bar). */
export async function unreadCount(userId: number): Promise<number> {
  const res = await db.execute<{ n: number }>(sql`select count(*)::int as n from notifications where user_id = ${userId} and read_at is null`);
  return Number(res.rows[0]?.n ?? 0);
}

/** Marks the customer's own notifications read: the ones named, or all of them. Returns how many changed. */
export async function markRead(userId: number, which: { ids: number[] } | "all"): Promise<number> {
  const res =
    which === "all"
      ? await db.execute(sql`update notifications set read_at = now() where user_id = ${userId} and read_at is null`)
      : await db.execute(sql`
          update notifications set read_at = now()
          where user_id = ${userId} and read_at is null and id = any(${sql.param(which.ids)}::bigint[])`);
  return res.rowCount ?? 0;
}
