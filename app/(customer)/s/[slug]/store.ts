import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { db } from "@/db";
import { topicCache } from "@/lib/cache/bus";
import { isDomainError } from "@/lib/errors";
import { allianceOfQueue, type AllianceView } from "@/lib/merchants/alliances";
import { approvedStore, type Store } from "@/lib/merchants/store";

const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,40}$/;

// The store and its alliance change rarely (rules, approval, an alliance), and each change calls
// expireStorePages() (lib/http/store-pages.ts), which clears these caches on every instance at once
// (lib/cache/bus.ts, over LISTEN/NOTIFY). The lifetime only bounds staleness while an instance's
// listener is reconnecting. Orders never read from here: checkout and payment read the store from the database.
// A store that is not found throws, so absence is never cached.
const TTL_MS = 10_000;

const cachedStore = topicCache("stores", TTL_MS, (slug: string) => approvedStore(db, { slug }));
const cachedAlliance = topicCache("stores", TTL_MS, (queueId: number) => allianceOfQueue(queueId));

/**
 * The approved store behind a slug, or null. Cached for the request, so a page and its
 * generateMetadata read it once between them, and across requests in the process cache above.
 */
export const findStore = cache(async (slug: string): Promise<Store | null> => {
  if (!SLUG_RE.test(slug)) return null;
  try {
    const s = await cachedStore(slug);
    return { merchant: s.merchant, rule: s.rule, queueId: s.queueId };
  } catch (e) {
    if (isDomainError(e) && e.code === "not_found") return null;
    throw e;
  }
});

/** The alliance that owns a queue, with its members, or null; from the same cache as the store. */
export async function findAlliance(queueId: number): Promise<AllianceView | null> {
  return cachedAlliance(queueId);
}

/** The store, or the 404 page. */
export async function storeOr404(slug: string): Promise<Store> {
  const store = await findStore(slug);
  if (!store) notFound();
  return store;
}
