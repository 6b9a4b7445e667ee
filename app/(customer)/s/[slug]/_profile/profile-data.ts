import "server-only";
import { unstable_cache } from "next/cache";
import type { Merchant } from "@/db/schema";
import { profileOf, storePhotoVersion, type StoreProfile } from "@/lib/merchants/profile";
import { STORE_CACHE_TAG } from "@/lib/merchants/store";

// The photo's version changes only by the owner's upload, which expires the stores tag
// (app/api/merchant/photo); the short revalidation bounds staleness on other instances.
const cachedPhotoVersion = unstable_cache((merchantId: number) => storePhotoVersion(merchantId), ["store-photo-version"], {
  revalidate: 10,
  tags: [STORE_CACHE_TAG],
});

/** The store's public profile: the merchant row's fields and its photo's version. */
export async function storeProfile(merchant: Merchant): Promise<StoreProfile> {
  return profileOf(merchant, await cachedPhotoVersion(merchant.id));
}
