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

/**
 * The console a namespace's client components live in, or null for those any page may show. A
 * console's messages go only to its own pages (app/merchant/layout.tsx and app/operator/layout.tsx
 * hand them down): they were a third of every customer page's HTML (docs/performance.md).
 */
export type MessageArea = "merchant" | "operator";
export function areaOf(namespace: string): MessageArea | null {
  if (namespace.startsWith("merchant.")) return "merchant";
  if (namespace.startsWith("operator.")) return "operator";
  return null;
}

const cache = new Map<string, Tree>();

/**
 * What a layout hands down, computed once per language and area: with no area, the namespaces any
 * page may need (the root layout); with one, only that console's (its layout, which adds them to
 * the root's in the browser: app/_components/with-area-messages.tsx).
 */
export function clientMessages(locale: Locale, area: MessageArea | null = null): Tree {
  const key = `${locale}:${area ?? ""}`;
  let picked = cache.get(key);
  if (!picked) {
    const namespaces = CLIENT_NAMESPACES.filter((ns) => areaOf(ns) === area);
    picked = pickMessages(messages[locale] as unknown as Tree, namespaces);
    cache.set(key, picked);
  }
  return picked;
}
