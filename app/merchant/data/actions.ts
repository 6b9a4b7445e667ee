"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { closeStore } from "@/lib/merchants/closing";
import { expireStorePages } from "@/lib/http/store-pages";

/** The owner closes their own store (found from the session), typing its address to confirm. */
export const closeStoreAction = validatedAction(z.object({ slug: z.string().max(64) }), "merchant", async (input, { viewer }) => {
  await inTransaction((tx) => closeStore(tx, { ownerUserId: viewer.userId, slugTyped: input.slug }));
  await expireStorePages();
  redirect("/apply");
});
