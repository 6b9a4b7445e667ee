import "server-only";
import type { Merchant } from "@/db/schema";
import { topicCache } from "@/lib/cache/bus";
import { profileOf, storePhotoVersion, type StoreProfile } from "@/lib/merchants/profile";

// The photo's version changes only by the owner's upload, which expires the store pages
// (app/api/merchant/photo → expireStorePages), clearing this cache on every instance at once; the
// lifetime only bounds staleness while an instance's listener is reconnecting.
const cachedPhotoVersion = topicCache("stores", 10_000, (merchantId: number) => storePhotoVersion(merchantId));

/** The store's public profile: the merchant row's fields and its photo's version. */
export async function storeProfile(merchant: Merchant): Promise<StoreProfile> {
  return profileOf(merchant, await cachedPhotoVersion(merchant.id));
}
