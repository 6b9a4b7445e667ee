import { z } from "zod";

/**
 * The kinds of notification and their parameters. Pure (no database): pages render a stored
 * notification from its kind and parameters in the reader's language, so the shapes live here.
 */
export const NOTIFICATION_KINDS = ["entry_freed", "refund_done", "withdrawal_paid", "withdrawal_failed", "points_expiring", "security"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The channels a customer can turn off per kind; the in-app list always keeps every notification. */
export const SWITCHABLE_CHANNELS = ["push", "sms"] as const;
export type NotificationChannel = (typeof SWITCHABLE_CHANNELS)[number];

/** Security messages (a password changed) reach the customer whatever the settings say. */
export const ALWAYS_ON: readonly NotificationKind[] = ["security"];

const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const orderNo = z.string().regex(/^[A-Z0-9]{4,32}$/);

export const NOTIFICATION_PARAMS = {
  /** An entry paid out in full, by the FIFO drain or by a lucky draw. */
  entry_freed: z.object({ orderNo, amountFen: fen, via: z.enum(["fifo", "draw"]) }).strict(),
  /** An order's refund confirmed by its payment provider. */
  refund_done: z.object({ orderNo, amountFen: fen }).strict(),
  withdrawal_paid: z.object({ amountFen: fen }).strict(),
  withdrawal_failed: z.object({ amountFen: fen }).strict(),
  /** Points that expire on a calendar day (Asia/Shanghai, YYYY-MM-DD) unless spent. */
  points_expiring: z.object({ points: z.number().int().positive(), expiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
  security: z.object({ event: z.enum(["password_changed"]) }).strict(),
} as const satisfies Record<NotificationKind, z.ZodType>;

export type NotificationParams<K extends NotificationKind> = z.infer<(typeof NOTIFICATION_PARAMS)[K]>;

/** A stored notification's kind and parameters, checked together (a mismatch is a bug: it throws). */
export type AnyNotification = { [K in NotificationKind]: { kind: K; params: NotificationParams<K> } }[NotificationKind];

export function parseNotification(kind: string, params: unknown): AnyNotification {
  if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown notification kind ${kind}`);
  const k = kind as NotificationKind;
  return { kind: k, params: NOTIFICATION_PARAMS[k].parse(params) } as AnyNotification;
}

export function isSwitchable(kind: NotificationKind): boolean {
  return !ALWAYS_ON.includes(kind);
}
