import { createTranslator } from "next-intl";
import type { Locale } from "./config";
import { requestLocale } from "./locale";
import { messages } from "./messages";

/** Values for a message code's ICU arguments, e.g. `{ max: "¥1,000,000.00" }`. */
export type MessageParams = Record<string, string | number>;

/**
 * lib/ speaks in message codes, the boundary (server action, route handler, page) in words.
 * A domain function throws `new DomainError("invalid_input", "amount.tooManyDecimals", "amount")`
 * or returns `{ message: "amount.required" }`; the code is a key of messages/<locale>/errors.json,
 * with `params` for its ICU arguments. This turns it into the reader's language.
 *
 * Text that is not a known code (a zod schema's own message, or a lib/ function not converted yet)
 * is shown as it is, so nothing is ever lost on the way.
 */
export function translateError(locale: Locale, message: string, params?: MessageParams): string {
  const t = createTranslator({ locale, messages: messages[locale], namespace: "errors" }) as unknown as {
    has(key: string): boolean;
    (key: string, values?: MessageParams): string;
  };
  return t.has(message) ? t(message, params) : message;
}

/** translateError in the current request's language. */
export async function errorText(message: string, params?: MessageParams): Promise<string> {
  return translateError(await requestLocale(), message, params);
}
