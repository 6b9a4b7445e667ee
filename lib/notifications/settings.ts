import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { notificationMutes, users } from "@/db/schema";
import { isSwitchable, NOTIFICATION_KINDS, SWITCHABLE_CHANNELS, type NotificationChannel, type NotificationKind } from "./kinds";

export type ChannelSettings = Record<NotificationKind, Record<NotificationChannel, boolean>>;

/** Which channels are on for each kind (everything is on until the customer turns it off). */
export async function channelSettings(userId: number): Promise<ChannelSettings> {
  const muted = await db.select({ kind: notificationMutes.kind, channel: notificationMutes.channel }).from(notificationMutes).where(eq(notificationMutes.userId, userId));
  const out = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, Object.fromEntries(SWITCHABLE_CHANNELS.map((c) => [c, true]))])) as ChannelSettings;
  for (const r of muted) if (isSwitchable(r.kind)) out[r.kind][r.channel] = false;
  return out;
}

/**
 * Saves the whole table of settings at once, as the settings form posts it: a kind's channel left
 * out is off. Security messages cannot be turned off and are ignored here.
 */
export async function saveChannelSettings(userId: number, on: { kind: NotificationKind; channel: NotificationChannel }[]): Promise<void> {
  const wanted = new Set(on.map((o) => `${o.kind}:${o.channel}`));
  const off = NOTIFICATION_KINDS.filter(isSwitchable).flatMap((kind) => SWITCHABLE_CHANNELS.filter((c) => !wanted.has(`${kind}:${c}`)).map((channel) => ({ kind, channel })));
  await db.transaction(async (tx) => {
    await tx.delete(notificationMutes).where(eq(notificationMutes.userId, userId));
    if (off.length > 0) await tx.insert(notificationMutes).values(off.map((o) => ({ userId, kind: o.kind, channel: o.channel })));
  });
}

/** Whether the customer has a phone number, i.e. whether SMS can reach them at all. */
export async function hasPhone(userId: number): Promise<boolean> {
  const [user] = await db.select({ phone: users.phone }).from(users).where(eq(users.id, userId));
  return Boolean(user?.phone);
}
