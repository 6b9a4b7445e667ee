"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { reviewApplication, reviewReasonSchema } from "@/lib/merchants/onboarding";
import { expireStorePages } from "@/lib/http/store-pages";
import { idParam } from "@/lib/http/params";
import { reinstateStore, suspendStore } from "@/lib/merchants/suspension";

const reviewSchema = z.object({
  merchantId: idParam("merchant.invalidApplication"),
  decision: z.enum(["approve", "reject"], { error: "merchant.chooseDecision" }),
  reason: reviewReasonSchema.optional().default(""),
});

/** An operator approves or rejects a pending store application (audited in the domain function). */
export const reviewApplicationAction = validatedAction(reviewSchema, "operator", async (input, { viewer }) => {
  const merchant = await inTransaction((tx) =>
    reviewApplication(tx, { merchantId: input.merchantId, operatorId: viewer.userId, decision: input.decision, reason: input.reason }),
  );
  await expireStorePages();
  revalidatePath("/operator/merchants");
  revalidatePath("/operator");
  revalidatePath("/");
  return { merchantId: merchant.id, status: merchant.status };
});

const suspensionSchema = z.object({
  merchantId: idParam("merchant.invalidApplication"),
  reason: reviewReasonSchema.optional().default(""),
});

/** An operator suspends an open store (no new orders; the queue and pool stay as they are). */
export const suspendStoreAction = validatedAction(suspensionSchema, "operator", async (input, { viewer }) => {
  const { slug } = await inTransaction((tx) => suspendStore(tx, { merchantId: input.merchantId, operatorId: viewer.userId, reason: input.reason }));
  await expireStorePages();
  revalidatePath("/operator/merchants");
  return { slug, suspended: true };
});

/** An operator lifts a store's suspension. */
export const reinstateStoreAction = validatedAction(suspensionSchema, "operator", async (input, { viewer }) => {
  const { slug } = await inTransaction((tx) => reinstateStore(tx, { merchantId: input.merchantId, operatorId: viewer.userId, reason: input.reason }));
  await expireStorePages();
  revalidatePath("/operator/merchants");
  return { slug, suspended: false };
});
