import type { Locale } from "./config";
import { messages } from "./messages";

/**
 * The message namespaces client components read (`useTranslations` in a "use client" module or in
 * anything it imports). Only these go to the browser: the whole catalogue is about 26 KB a language
 * and was serialised into every page's RSC payload, most of it for pages the visitor never opens
 * (measured: 56 KB of flight data on the store page, about 10 ms of the server's CPU per request
 * across render and serialisation). Server components translate on the server and send text.
 *
 * i18n/client-messages.test.ts walks every client module's imports and fails when one uses a
 * namespace missing here, so a new client component cannot ship untranslated keys. The walk
 * over-approximates: common.pager and common.chart are here because client modules import the
 * components' barrel (app/_components/index.ts), though Pager and BarChart render on the server.
 */
export const CLIENT_NAMESPACES = [
  "auth.forgot",
  "auth.login",
  "auth.register",
  "auth.smsCode",
  "common.chart",
  "common.confirm",
  "common.error",
  "common.pager",
  "common.tabBar",
  "customer.apply.form",
  "customer.categories",
  "customer.home.nearby",
  "customer.join",
  "customer.leave",
  "customer.live",
  "customer.logout",
  "customer.order.freed",
  "customer.password.form",
  "customer.pay",
  "customer.store.form",
  "customer.wallet.payout",
  "customer.wallet.withdraw",
  "merchant.apiKeys.form",
  "merchant.apiKeys.revoke",
  "merchant.live",
  "merchant.poster",
  "merchant.profile.form",
  "merchant.profile.photo",
  "merchant.refund",
  "merchant.settings.form",
  "merchant.staff.invite",
  "merchant.staff.revoke",
  "merchant.staff.withdraw",
  "merchant.till",
  "operator.alliances.form",
  "operator.alliances.dissolve",
  "operator.alliances.join",
  "operator.draw.panel",
  "operator.ledger.checkPanel",
  "operator.merchants.review",
  "operator.merchants.suspension",
  "operator.orders.refund",
  "operator.payouts.confirm",
  "operator.payouts.run",
  "operator.points.form",
  "operator.withdrawals.decide",
  "orders.countdown",
  "privacy.consentForm",
  "privacy.delete",
  "privacy.store",
] as const;

type Tree = { [key: string]: string | Tree };

/** The subset of a catalogue under the given dotted paths, with the same nesting. */
export function pickMessages(all: Tree, paths: readonly string[]): Tree {
  const out: Tree = {};
  for (const p of paths) {
    const keys = p.split(".");
    let src: string | Tree | undefined = all;
    for (const k of keys) src = typeof src === "object" ? src[k] : undefined;
    if (src === undefined) throw new Error(`no messages at ${p}`);
    let dst = out;
    for (const k of keys.slice(0, -1)) dst = (dst[k] ??= {}) as Tree;
    dst[keys[keys.length - 1]!] = src;
  }
  return out;
}

const cache = new Map<Locale, Tree>();

/** What the layout hands to NextIntlClientProvider: computed once per language. */
export function clientMessages(locale: Locale): Tree {
  let picked = cache.get(locale);
  if (!picked) {
    picked = pickMessages(messages[locale] as unknown as Tree, CLIENT_NAMESPACES);
    cache.set(locale, picked);
  }
  return picked;
}
