"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { applicationDetailsSchema, applyForStore, slugSchema, storeNameSchema } from "@/lib/merchants/onboarding";
import { checkRules, parsePercent } from "@/lib/rules/form";
import { DEFAULT_RULES } from "@/lib/rules/settings";

const applySchema = applicationDetailsSchema.extend({
  name: storeNameSchema,
  slug: slugSchema,
  // Optional: empty means the platform default.
  rebateBps: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s || s.trim() === "") return undefined;
      const r = parsePercent(s);
      if (!r.ok) {
        ctx.addIssue({ code: "custom", message: r.message });
        return z.NEVER;
      }
      const checked = checkRules({ ...DEFAULT_RULES, rebateBps: r.value });
      if (!checked.ok) {
        const error = checked.fieldErrors.rebateBps ?? { message: "rules.invalid" };
        ctx.addIssue({ code: "custom", message: error.message, params: error.params });
        return z.NEVER;
      }
      return r.value;
    }),
});

/** A signed-in user applies for a store (or applies again after a rejection). */
export const applyForStoreAction = validatedAction(applySchema, "any", async (input, { viewer }) => {
  const merchant = await inTransaction((tx) =>
    applyForStore(tx, {
      userId: viewer.userId,
      name: input.name,
      slug: input.slug,
      details: { businessName: input.businessName, licenceNo: input.licenceNo, contactPhone: input.contactPhone, address: input.address },
      rules: input.rebateBps === undefined ? undefined : { rebateBps: input.rebateBps },
    }),
  );
  revalidatePath("/apply");
  revalidatePath("/operator/merchants");
  return { slug: merchant.slug };
});
