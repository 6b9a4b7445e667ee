import "server-only";
import { and, eq } from "drizzle-orm";
import webpush from "web-push";
import { db } from "@/db";
import { pushSubscriptions } from "@/db/schema";
import type { Locale } from "@/i18n/config";
import { env } from "@/lib/env";

export type VapidKeys = { publicKey: string; privateKey: string; subject: string };

/** The configured VAPID keys, or null: Web Push is then off (lib/env.ts refuses half a set). */
export function vapidKeys(): VapidKeys | null {
  if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY || !env.VAPID_SUBJECT) return null;
  return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: env.VAPID_SUBJECT };
}

export type PushTarget = { endpoint: string; p256dh: string; auth: string };

/** What the service worker (public/sw.js) receives, encrypted: the notification already in words. */
export type PushPayload = { id: number; title: string; body: string; url: string };

export type PushOutcome = "sent" | "gone";

const TIMEOUT_MS = 10_000;
/** A push that waits longer than a day at the push service is stale news: it may drop it. */
const TTL_SECONDS = 86_400;

/**
 * Sends one push (RFC 8030) with a VAPID authorisation (RFC 8292) and the payload encrypted for the
 * subscription (RFC 8291, aes128gcm). web-push builds the request; it is sent here with fetch, which
 * keeps the time limit ours. 404 and 410 mean the subscription is gone for good ("gone": the caller
 * deletes it); any other refusal throws, so the delivery job tries again.
 */
export async function sendPush(target: PushTarget, payload: PushPayload, vapid: VapidKeys): Promise<PushOutcome> {
  const details = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, JSON.stringify(payload), {
    vapidDetails: vapid,
    TTL: TTL_SECONDS,
    contentEncoding: "aes128gcm",
    // The notification id is the topic: a retried delivery replaces a push still waiting at the service.
    topic: `n${payload.id}`,
    urgency: "normal",
  });
  const res = await fetch(details.endpoint, {
    method: details.method,
    headers: details.headers as Record<string, string>,
    body: details.body ? new Uint8Array(details.body) : undefined,
    signal: AbortSignal.timeout(TIMEOUT_MS),
    redirect: "error",
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status === 404 || res.status === 410) return "gone";
  if (res.status < 200 || res.status >= 300) throw new Error(`push service answered ${res.status}`);
  return "sent";
}

/** Stores (or moves to this customer) a browser's subscription. */
export async function savePushSubscription(userId: number, sub: PushTarget & { locale: Locale }): Promise<void> {
  await db
    .insert(pushSubscriptions)
    .values({ userId, endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, locale: sub.locale })
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: { userId, p256dh: sub.p256dh, auth: sub.auth, locale: sub.locale },
    });
}

/** Forgets one of the customer's own subscriptions (the browser unsubscribed). */
export async function deletePushSubscription(userId: number, endpoint: string): Promise<void> {
  await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)));
}

export async function pushSubscriptionCount(userId: number): Promise<number> {
  return db.$count(pushSubscriptions, eq(pushSubscriptions.userId, userId));
}
