import { env } from "@/lib/env";
import { PLATFORM_RULES } from "@/lib/rules/settings";

/**
 * Release and expiry apply to a customer's points as a whole, and those points come from many
 * stores, so one platform-wide policy applies (not each store's rule version). Decision recorded
 * in docs/decisions.md.
 */
export function pointsPolicy(): { releaseBpsPerDay: number; expiryDays: number } {
  return {
    releaseBpsPerDay: env.POINTS_RELEASE_BPS_PER_DAY ?? PLATFORM_RULES.releaseBpsPerDay.default,
    expiryDays: env.POINTS_EXPIRY_DAYS ?? PLATFORM_RULES.pointsExpiryDays.default,
  };
}
