import "server-only";
import { and, count, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { db } from "@/db";
import { notifications } from "@/db/schema";
import { parseNotification, type AnyNotification } from "./kinds";

export type NotificationItem = AnyNotification & { id: number; createdAt: Date; read: boolean };

export const PAGE_SIZE = 30;

/** A customer's notifications, newest first, `PAGE_SIZE` at a time (keyset: ids below `beforeId`). */
export async function listNotifications(userId: number, opts: { beforeId?: number; limit?: number } = {}): Promise<{ items: NotificationItem[]; more: boolean }> {
  const limit = Math.min(Math.max(opts.limit ?? PAGE_SIZE, 1), 100);
  const found = await db
    .select({ id: notifications.id, kind: notifications.kind, params: notifications.params, createdAt: notifications.createdAt, readAt: notifications.readAt })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), opts.beforeId ? lt(notifications.id, opts.beforeId) : undefined))
    .orderBy(desc(notifications.id))
    .limit(limit + 1);
  return {
    items: found.slice(0, limit).map((r) => ({ ...parseNotification(r.kind, r.params), id: r.id, createdAt: r.createdAt, read: r.readAt !== null })),
    more: found.length > limit,
  };
}

/** How many of the customer's notifications are unread (the badge in the header and tab bar). */
export async function unreadCount(userId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks the customer's own notifications read: the ones named, or all of them. Returns how many changed. */
export async function markRead(userId: number, which: { ids: number[] } | "all"): Promise<number> {
  const res = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), which === "all" ? undefined : inArray(notifications.id, which.ids)));
  return res.rowCount ?? 0;
}
