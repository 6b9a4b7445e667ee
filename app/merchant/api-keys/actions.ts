"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { db } from "@/db";
import { createApiKey, keyNameSchema, revokeApiKey } from "@/lib/api/keys";
import { validatedAction } from "@/lib/auth/action";
import { approvedMerchantOf } from "@/lib/auth/session";
import { idParam } from "@/lib/http/params";

const PATH = "/merchant/api-keys";

/** Creates a POS key for the signed-in merchant's store; the full key is in the result, once. */
export const createApiKeyAction = validatedAction(z.object({ name: keyNameSchema }), "merchant", async ({ name }, { viewer }) => {
  const merchant = await approvedMerchantOf(viewer.userId);
  const key = await createApiKey(db, { merchantId: merchant.id, createdByUserId: viewer.userId, name });
  revalidatePath(PATH);
  return { token: key.token, prefix: key.prefix, name: key.name };
});

const revokeSchema = z.object({
  keyId: idParam("apiKey.invalidId"),
});

/** Revokes one of the store's own keys; POS calls with it fail from now on. */
export const revokeApiKeyAction = validatedAction(revokeSchema, "merchant", async ({ keyId }, { viewer }) => {
  const merchant = await approvedMerchantOf(viewer.userId);
  const revoked = await revokeApiKey(db, { merchantId: merchant.id, keyId });
  revalidatePath(PATH);
  return { keyId: revoked.id, prefix: revoked.prefix };
});
