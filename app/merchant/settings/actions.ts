"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { approvedMerchantOf } from "@/lib/auth/session";
import { drainQueue } from "@/lib/queue/drain";
import { checkRules, MERCHANT_RULE_KEYS, parsePercent, parseYuanOrZero, type Parsed } from "@/lib/rules/form";
import { DEFAULT_RULES, PAYOUT_MODES } from "@/lib/rules/settings";
import { changeRules } from "@/lib/rules/versions";
import { expireStorePages } from "@/lib/http/store-pages";
import { log } from "@/lib/observability/log";

function typed(parse: (s: string) => Parsed) {
  return z
    .string()
    .max(32, "rules.badFormat")
    .transform((s, ctx) => {
      const r = parse(s);
      if (r.ok) return r.value;
      ctx.addIssue({ code: "custom", message: r.message });
      return z.NEVER;
    });
}

const percent = typed(parsePercent);
const yuan = typed(parseYuanOrZero);

const settingsSchema = z
  .object({
    rebateBps: percent,
    pointsBps: percent,
    freeBps: percent,
    unitCapFen: yuan,
    minOrderFen: yuan,
    payoutMode: z.enum(PAYOUT_MODES, { error: "rules.payoutMode" }),
    exitCompBps: percent,
  })
  // Every range at once, so the form marks every field out of range (the fee is the platform
  // default here; changeRules checks again with the store's own platform-set values).
  .superRefine((v, ctx) => {
    const checked = checkRules({ ...DEFAULT_RULES, ...v });
    if (checked.ok) return;
    for (const key of MERCHANT_RULE_KEYS) {
      const error = checked.fieldErrors[key];
      if (error) ctx.addIssue({ code: "custom", path: [key], message: error.message, params: error.params });
    }
  });

/** The signed-in merchant changes its store's rules: a new version for new orders, or nothing when unchanged. */
export const changeRulesAction = validatedAction(settingsSchema, "merchant", async (settings, { viewer }) => {
  const merchant = await approvedMerchantOf(viewer.userId);
  const result = await inTransaction((tx) => changeRules(tx, { merchantId: merchant.id, actorUserId: viewer.userId, settings }));
  if (result.payoutModeSetTo === "auto" && result.queueId !== null) {
    // A queue switched to auto pays out what its pool already covers now; the sweep is the safety net.
    await drainQueue(result.queueId).catch((e: unknown) => log.error({ queueId: result.queueId, err: e }, "drain after a settings change failed"));
  }
  await expireStorePages();
  revalidatePath("/merchant/settings");
  revalidatePath(`/s/${merchant.slug}`);
  revalidatePath(`/s/${merchant.slug}/rules`);
  return { changed: result.changed, version: result.version.version };
});
