// These schemas also run in the browser (the application and settings forms): zod comes from
// lib/zod.ts, which keeps it from probing for eval there.
import { z } from "@/lib/zod";

/** The platform's defaults and allowed ranges for every merchant setting (SPEC: Settings). */
export const PLATFORM_RULES = {
  rebateBps: { default: 2000, min: 300, max: 5000 },
  platformFeeBps: { default: 1000, min: 0, max: 10000 },
  pointsBps: { default: 2500, min: 0, max: 10000 },
  freeBps: { default: 10000, min: 1, max: 10000 },
  // 0 means "no split"; otherwise at least ¥10, so one order never becomes more than 100,000 entries.
  unitCapFen: { default: 10000, min: 0, max: 100_000_000, minSplit: 1000 },
  minOrderFen: { default: 1000, min: 0, max: 100_000_000 },
  exitCompBps: { default: 1000, min: 0, max: 10000 },
  releaseBpsPerDay: { default: 200, min: 1, max: 10000 },
  pointsExpiryDays: { default: 365, min: 0, max: 3650 },
} as const;

export const PAYOUT_MODES = ["auto", "manual"] as const;
export type PayoutMode = (typeof PAYOUT_MODES)[number];

/** The settings that decide an order's shares and queue entries. */
export type RuleSettings = {
  rebateBps: number;
  platformFeeBps: number;
  pointsBps: number;
  freeBps: number;
  unitCapFen: number;
  minOrderFen: number;
  payoutMode: PayoutMode;
  exitCompBps: number;
  releaseBpsPerDay: number;
  pointsExpiryDays: number;
};

export const DEFAULT_RULES: RuleSettings = {
  rebateBps: PLATFORM_RULES.rebateBps.default,
  platformFeeBps: PLATFORM_RULES.platformFeeBps.default,
  pointsBps: PLATFORM_RULES.pointsBps.default,
  freeBps: PLATFORM_RULES.freeBps.default,
  unitCapFen: PLATFORM_RULES.unitCapFen.default,
  minOrderFen: PLATFORM_RULES.minOrderFen.default,
  payoutMode: "auto",
  exitCompBps: PLATFORM_RULES.exitCompBps.default,
  releaseBpsPerDay: PLATFORM_RULES.releaseBpsPerDay.default,
  pointsExpiryDays: PLATFORM_RULES.pointsExpiryDays.default,
};

function ranged(key: keyof typeof PLATFORM_RULES) {
  const r = PLATFORM_RULES[key];
  return z.number().int().min(r.min).max(r.max);
}

/** A complete, valid rule set: every value inside the platform range, fee + points ≤ the rebate. */
export const ruleSettingsSchema = z
  .object({
    rebateBps: ranged("rebateBps"),
    platformFeeBps: ranged("platformFeeBps"),
    pointsBps: ranged("pointsBps"),
    freeBps: ranged("freeBps"),
    unitCapFen: ranged("unitCapFen"),
    minOrderFen: ranged("minOrderFen"),
    payoutMode: z.enum(PAYOUT_MODES),
    exitCompBps: ranged("exitCompBps"),
    releaseBpsPerDay: ranged("releaseBpsPerDay"),
    pointsExpiryDays: ranged("pointsExpiryDays"),
  })
  .refine((r) => r.unitCapFen === 0 || r.unitCapFen >= PLATFORM_RULES.unitCapFen.minSplit, {
    message: "unit cap must be 0 (no split) or at least ¥10",
    path: ["unitCapFen"],
  })
  .refine((r) => r.platformFeeBps + r.pointsBps <= 10000, {
    message: "platform fee and points together cannot exceed the rebate",
    path: ["pointsBps"],
  });
