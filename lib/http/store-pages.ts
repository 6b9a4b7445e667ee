import { revalidateTag, updateTag } from "next/cache";
import { STORE_CACHE_TAG } from "@/lib/merchants/store";
import { forgetCachedPages } from "./page-cache";

/**
 * After a change a store's public page shows (its rules, its approval, an alliance): drops what
 * this instance keeps of it, Next's data-cache entries for the store (app/(customer)/s/[slug]/
 * store.ts) and the proxy's copies of the anonymous page (lib/http/page-cache.ts), so the next
 * visitor sees the change. Other instances catch up within their revalidation times. For server
 * actions: updateTag works only there.
 */
export function expireStorePages(): void {
  updateTag(STORE_CACHE_TAG);
  forgetCachedPages();
}

/**
 * expireStorePages for route handlers (the store photo upload), where updateTag is not available:
 * the tag's entries expire at once (`expire: 0`), so the next view reads them fresh.
 */
export function expireStorePagesFromRoute(): void {
  revalidateTag(STORE_CACHE_TAG, { expire: 0 });
  forgetCachedPages();
}
