import { onInvalidate, publishInvalidation } from "@/lib/cache/bus";
import { forgetCachedPages } from "./page-cache";

/**
 * After a change a store's public page shows (its rules, its approval, an alliance): every
 * instance drops what it keeps of it, the store lookups behind the page (app/(customer)/s/[slug]/
 * store.ts) and the proxy's copies of the anonymous page (lib/http/page-cache.ts), so the next
 * visitor sees the change wherever the balancer sends them. This instance at once, the others as
 * the notification reaches them (lib/cache/bus.ts). Call it after the change has committed.
 */
export async function expireStorePages(): Promise<void> {
  await publishInvalidation("stores");
}

/** Lets the bus clear the proxy's page copies (instrumentation.ts, once per server). */
export function clearPagesOnStoreChanges(): void {
  onInvalidate("stores", forgetCachedPages);
}
