import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { db } from "@/db";
import { mapFirst } from "@/db/rows";
import { notifications, pushSubscriptions } from "@/db/schema";
import { isLocale } from "@/i18n/config";
import { smsProvider, type SmsProvider } from "@/lib/sms";
import { isSwitchable, parseNotification, type AnyNotification } from "./kinds";
import { sendPush, vapidKeys, type PushOutcome, type PushTarget, type VapidKeys } from "./push";
import { notificationText, smsParams } from "./text";
import { log } from "@/lib/observability/log";

/** What delivery may be given instead of the configured thing (tests pass their own). */
export type DeliverDeps = { vapid?: VapidKeys | null; sms?: SmsProvider };

export type ChannelOutcome = "sent" | "done_before" | "muted" | "unavailable" | "refused";
export type Delivery = { push: ChannelOutcome; sms: ChannelOutcome } | null;

/** The page a push opens. */
const LIST_URL = "/me/notifications";

/**
 * The delivery job's work for one notification, after its event committed: Web Push to each of the
 * customer's subscriptions and one SMS, each unless the customer turned that channel off for this
 * kind (security messages ignore that). A channel is marked done once it succeeded (or had nothing
 * to do), so a retried job skips it: one SMS per notification however often the job runs. A push
 * service that says the subscription is gone (404/410) gets it deleted. A failure worth retrying
 * throws after the other channel had its turn, and the runner tries again with backoff.
 */
export async function deliverNotification(notificationId: number, deps: DeliverDeps = {}): Promise<Delivery> {
  const res = await db.execute(sql`
    select n.user_id, n.kind, n.params, n.push_done_at is not null as push_done, n.sms_done_at is not null as sms_done, u.phone,
           (select array_agg(m.channel::text) from notification_mutes m where m.user_id = n.user_id and m.kind = n.kind) as muted
    from notifications n join users u on u.id = n.user_id
    where n.id = ${notificationId}`);
  const row = mapFirst(res, (r) => ({
    userId: r.int("user_id"),
    kind: r.str("kind"),
    params: r.json("params"),
    pushDone: r.bool("push_done"),
    smsDone: r.bool("sms_done"),
    phone: r.strOrNull("phone"),
    muted: r.strList("muted"),
  }));
  if (!row) return null;
  const n = parseNotification(row.kind, row.params);
  const muted = (channel: "push" | "sms") => isSwitchable(n.kind) && row.muted.includes(channel);

  const failures: unknown[] = [];
  const attempt = async (channel: "push" | "sms", done: boolean, send: () => Promise<ChannelOutcome>): Promise<ChannelOutcome> => {
    if (done) return "done_before";
    try {
      const outcome = muted(channel) ? "muted" : await send();
      await markDone(notificationId, channel);
      return outcome;
    } catch (e) {
      failures.push(e);
      return "unavailable";
    }
  };

  const vapid = deps.vapid === undefined ? vapidKeys() : deps.vapid;
  const push = await attempt("push", row.pushDone, () => pushAll(notificationId, row.userId, n, vapid));
  const sms = await attempt("sms", row.smsDone, () => smsOne(n, row.phone, deps.sms ?? smsProvider()));
  if (failures.length > 0) {
    throw new AggregateError(failures, `notification ${notificationId}: ${failures.map((e) => (e instanceof Error ? e.message : String(e))).join("; ")}`);
  }
  return { push, sms };
}

async function markDone(id: number, channel: "push" | "sms"): Promise<void> {
  if (channel === "push") {
    await db
      .update(notifications)
      .set({ pushDoneAt: sql`now()` })
      .where(and(eq(notifications.id, id), isNull(notifications.pushDoneAt)));
  } else {
    await db
      .update(notifications)
      .set({ smsDoneAt: sql`now()` })
      .where(and(eq(notifications.id, id), isNull(notifications.smsDoneAt)));
  }
}

async function pushAll(id: number, userId: number, n: AnyNotification, vapid: VapidKeys | null): Promise<ChannelOutcome> {
  if (!vapid) return "unavailable";
  const subs: (PushTarget & { id: number; locale: string })[] = await db
    .select({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, p256dh: pushSubscriptions.p256dh, auth: pushSubscriptions.auth, locale: pushSubscriptions.locale })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId))
    .orderBy(asc(pushSubscriptions.id));
  if (subs.length === 0) return "unavailable";
  const errors: unknown[] = [];
  let sent = 0;
  for (const s of subs) {
    let outcome: PushOutcome;
    try {
      const text = notificationText(isLocale(s.locale) ? s.locale : "zh-CN", n);
      outcome = await sendPush(s, { id, ...text, url: LIST_URL }, vapid);
    } catch (e) {
      errors.push(e);
      continue;
    }
    if (outcome === "gone") await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, s.id));
    else sent += 1;
  }
  // Some browser could not be reached for now: try again (the others may get it twice; the
  // service worker shows one notification per id, so the second replaces the first).
  if (errors.length > 0) throw errors[0];
  return sent > 0 ? "sent" : "unavailable";
}

async function smsOne(n: AnyNotification, phone: string | null, provider: SmsProvider): Promise<ChannelOutcome> {
  if (!phone) return "unavailable";
  const result = await provider.send({ phone, template: n.kind, params: smsParams(n) });
  if (result.state === "sent") return "sent";
  if (result.state === "refused") {
    log.error({ kind: n.kind, reason: result.reason }, "notification: SMS refused for good");
    return "refused";
  }
  return "unavailable";
}
