import { createTranslator } from "next-intl";
import type { Locale } from "@/i18n/config";
import { messages } from "@/i18n/messages";
import { formatFen } from "@/lib/money/format";
import type { AnyNotification } from "./kinds";

export type NotificationText = { title: string; body: string };

/** The values a kind's sentences use: amounts as ¥ text, the rest as they are. */
function values(n: AnyNotification): Record<string, string | number> {
  switch (n.kind) {
    case "entry_freed":
      return { orderNo: n.params.orderNo, amount: formatFen(n.params.amountFen), via: n.params.via };
    case "refund_done":
      return { orderNo: n.params.orderNo, amount: formatFen(n.params.amountFen) };
    case "withdrawal_paid":
    case "withdrawal_failed":
      return { amount: formatFen(n.params.amountFen) };
    case "points_expiring":
      return { points: n.params.points, value: formatFen(n.params.points), expiresOn: n.params.expiresOn };
    case "security":
      return { event: n.params.event };
  }
}

/** A notification in words, in one language (messages/<locale>/notifications.json, `kinds`). */
export function notificationText(locale: Locale, n: AnyNotification): NotificationText {
  const t = createTranslator({ locale, messages: messages[locale], namespace: "notifications.kinds" });
  const v = values(n);
  // One sentence per case rather than ICU select: each reads whole in both languages.
  const body = n.kind === "entry_freed" && n.params.via === "draw" ? "entry_freed.bodyDraw" : (`${n.kind}.body` as const);
  return { title: t(`${n.kind}.title`, v), body: t(body, v) };
}

/** The values of the kind's SMS template, in the order the approved template numbers them. */
export function smsParams(n: AnyNotification): string[] {
  switch (n.kind) {
    case "entry_freed":
    case "refund_done":
      return [n.params.orderNo, formatFen(n.params.amountFen).slice(1)];
    case "withdrawal_paid":
    case "withdrawal_failed":
      return [formatFen(n.params.amountFen).slice(1)];
    case "points_expiring":
      return [String(n.params.points), n.params.expiresOn];
    case "security":
      return [];
  }
}
