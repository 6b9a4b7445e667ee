import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { isSwitchable, NOTIFICATION_KINDS, SWITCHABLE_CHANNELS, type NotificationChannel, type NotificationKind } from "./kinds";

export type ChannelSettings = Record<NotificationKind, Record<NotificationChannel, boolean>>;

/** Which channels are on for each kind (everything is on until the customer turns it off). */
export async function channelSettings(userId: number): Promise<ChannelSettings> {
  const res = await db.execute<{ kind: NotificationKind; channel: NotificationChannel }>(sql`
    select kind, channel from notification_mutes where user_id = ${userId}`);
  const out = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, Object.fromEntries(SWITCHABLE_CHANNELS.map((c) => [c, true]))])) as ChannelSettings;
  for (const r of res.rows) if (isSwitchable(r.kind)) out[r.kind][r.channel] = false;
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
    await tx.execute(sql`delete from notification_mutes where user_id = ${userId}`);
    if (off.length > 0) {
      await tx.execute(sql`
        insert into notification_mutes (user_id, kind, channel)
        select ${userId}, k::notification_kind, c::notification_channel
        from unnest(${sql.param(off.map((o) => o.kind))}::text[], ${sql.param(off.map((o) => o.channel))}::text[]) as x(k, c)`);
    }
  });
}

/** Whether the customer has a phone number, i.e. whether SMS can reach them at all. */
export async function hasPhone(userId: number): Promise<boolean> {
  const res = await db.execute<{ phone: string | null }>(sql`select phone from users where id = ${userId}`);
  return Boolean(res.rows[0]?.phone);
}
