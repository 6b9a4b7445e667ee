"use server";

import { revalidatePath } from "next/cache";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { expireStorePages } from "@/lib/http/store-pages";
import { updateProfile } from "@/lib/merchants/profile";
import { profileFormSchema } from "@/lib/merchants/profile-schema";

/** The owner saves the store's public profile (the store is found from the session). */
export const updateProfileAction = validatedAction(profileFormSchema, "merchant", async (input, { viewer }) => {
  const result = await inTransaction((tx) => updateProfile(tx, { ownerUserId: viewer.userId, profile: input }));
  if (result.changed.length > 0) await expireStorePages();
  revalidatePath("/merchant/profile");
  return { changed: result.changed.length };
});
