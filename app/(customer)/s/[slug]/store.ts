import "server-only";
import { unstable_cache } from "next/cache";
import { notFound } from "next/navigation";
import { cache } from "react";
import { db } from "@/db";
import { isDomainError } from "@/lib/errors";
import { allianceOfQueue, type AllianceView } from "@/lib/merchants/alliances";
import { approvedStore, STORE_CACHE_TAG, type Store } from "@/lib/merchants/store";

const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,40}$/;

// The store and its alliance change rarely (rules, approval, an alliance), and each change calls
// expireStorePages() (lib/http/store-pages.ts) in its server action; the short revalidation
// bounds staleness on other instances. Orders never read from here: checkout and payment read the store from the database.
// A store that is not found throws, so absence is never cached.
const REVALIDATE_S = 10;

const cachedStore = unstable_cache((slug: string) => approvedStore(db, { slug }), ["store-by-slug"], {
  revalidate: REVALIDATE_S,
  tags: [STORE_CACHE_TAG],
});

const cachedAlliance = unstable_cache((queueId: number) => allianceOfQueue(queueId), ["alliance-of-queue"], {
  revalidate: REVALIDATE_S,
  tags: [STORE_CACHE_TAG],
});

/** The data cache keeps JSON: dates come back as strings. */
function revive<T extends object>(row: T): T {
  const out = { ...row } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (k.endsWith("At") && typeof v === "string") out[k] = new Date(v);
  return out as T;
}

/**
 * The approved store behind a slug, or null. Cached for the request, so a page and its
 * generateMetadata read it once between them, and across requests in Next's data cache.
 */
export const findStore = cache(async (slug: string): Promise<Store | null> => {
  if (!SLUG_RE.test(slug)) return null;
  try {
    const s = await cachedStore(slug);
    return { merchant: revive(s.merchant), rule: revive(s.rule), queueId: s.queueId };
  } catch (e) {
    if (isDomainError(e) && e.code === "not_found") return null;
    throw e;
  }
});

/** The alliance that owns a queue, with its members, or null; from the same cache as the store. */
export async function findAlliance(queueId: number): Promise<AllianceView | null> {
  const a = await cachedAlliance(queueId);
  return a ? revive(a) : null;
}

/** The store, or the 404 page. */
export async function storeOr404(slug: string): Promise<Store> {
  const store = await findStore(slug);
  if (!store) notFound();
  return store;
}
