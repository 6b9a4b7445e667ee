import { notFound } from "next/navigation";
import { cache } from "react";
import { db } from "@/db";
import { isDomainError } from "@/lib/errors";
import { approvedStore, type Store } from "@/lib/merchants/store";

const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,40}$/;

/**
 * The approved store behind a slug, or null. Cached for the request, so a page and its
 * generateMetadata read the store once between them.
 */
export const findStore = cache(async (slug: string): Promise<Store | null> => {
  if (!SLUG_RE.test(slug)) return null;
  try {
    return await approvedStore(db, { slug });
  } catch (e) {
    if (isDomainError(e) && e.code === "not_found") return null;
    throw e;
  }
});

/** The store, or the 404 page. */
export async function storeOr404(slug: string): Promise<Store> {
  const store = await findStore(slug);
  if (!store) notFound();
  return store;
}
