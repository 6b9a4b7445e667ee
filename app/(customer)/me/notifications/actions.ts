"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { isLocale } from "@/i18n/config";
import { requestLocale } from "@/i18n/locale";
import { validatedAction } from "@/lib/auth/action";
import { DomainError } from "@/lib/errors";
import { idParam } from "@/lib/http/params";
import { NOTIFICATION_KINDS, SWITCHABLE_CHANNELS } from "@/lib/notifications/kinds";
import { markRead } from "@/lib/notifications/list";
import { deletePushSubscription, savePushSubscription, vapidKeys } from "@/lib/notifications/push";
import { saveChannelSettings } from "@/lib/notifications/settings";

/** The badge in the header and the tab bar is in the layout: every change to "read" refreshes it. */
const refresh = () => revalidatePath("/", "layout");

/** Marks one of the viewer's notifications read (another's id changes nothing). */
export const markReadAction = validatedAction(z.object({ id: idParam("notification.idInvalid") }), "any", async (input, { viewer }) => {
  await markRead(viewer.userId, { ids: [input.id] });
  refresh();
});

export const markAllReadAction = validatedAction(z.object({}), "any", async (_input, { viewer }) => {
  await markRead(viewer.userId, "all");
  refresh();
});

/** The settings form: a checkbox named `<kind>.<channel>` for each switchable pair; one left out is off. */
const settingsSchema = z.record(z.string(), z.string()).transform((form) =>
  NOTIFICATION_KINDS.flatMap((kind) => SWITCHABLE_CHANNELS.filter((channel) => form[`${kind}.${channel}`] === "on").map((channel) => ({ kind, channel }))),
);

export const saveNotificationSettingsAction = validatedAction(settingsSchema, "any", async (on, { viewer }) => {
  await saveChannelSettings(viewer.userId, on);
  revalidatePath("/me/notifications/settings");
  return { saved: true };
});

const b64url = (min: number, max: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`), "notification.subscriptionInvalid");

// A push service's address: https in every browser (http only for a local test service).
const endpointSchema = z.url({ protocol: /^https?$/, error: "notification.subscriptionInvalid" }).max(1000, "notification.subscriptionInvalid");

const subscriptionSchema = z.object({
  endpoint: endpointSchema,
  p256dh: b64url(80, 100),
  auth: b64url(16, 32),
});

/** Stores this browser's push subscription for the viewer, with the page's language for its texts. */
export const savePushSubscriptionAction = validatedAction(subscriptionSchema, "any", async (input, { viewer }) => {
  if (!vapidKeys()) throw new DomainError("not_allowed", "notification.pushOff");
  const locale = await requestLocale();
  await savePushSubscription(viewer.userId, { ...input, locale: isLocale(locale) ? locale : "zh-CN" });
});

export const deletePushSubscriptionAction = validatedAction(z.object({ endpoint: endpointSchema }), "any", async (input, { viewer }) => {
  await deletePushSubscription(viewer.userId, input.endpoint);
});
