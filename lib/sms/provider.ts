/**
 * The SMS provider interface. A message is a template name and its parameters, never free text:
 * China's SMS gateways send only approved templates (短信模板), so the wording lives with the
 * provider and the application hands over the values. No method takes a transaction handle: a send
 * calls the outside world, which never happens inside a database transaction.
 */

/** The templates the application sends; each maps to an approved template id at the provider. */
export const SMS_TEMPLATES = [
  "entry_freed",
  "refund_done",
  "withdrawal_paid",
  "withdrawal_failed",
  "points_expiring",
  "security",
  "verify_code",
] as const;
export type SmsTemplate = (typeof SMS_TEMPLATES)[number];

export type SmsMessage = {
  /** A mainland number, 11 digits (1xxxxxxxxxx); the provider adds +86 where it needs it. */
  phone: string;
  template: SmsTemplate;
  /** The template's values in its order, as strings (gateways substitute text). */
  params: string[];
};

export type SmsResult =
  | { state: "sent"; providerRef: string }
  /** The provider refused this message for good (a bad number, an unapproved template): do not retry. */
  | { state: "refused"; reason: string }
  /** No template id is configured for this message: nothing was sent. */
  | { state: "no_template" };

export interface SmsProvider {
  readonly id: "dev" | "tencent";
  /** Throws on a failure worth retrying (a timeout, a 5xx, a rate limit). */
  send(message: SmsMessage): Promise<SmsResult>;
}

export const MAINLAND_PHONE = /^1[3-9]\d{9}$/;
