import { TIME_ZONE } from "@/i18n/config";
import { shareOf } from "@/lib/money/bps";

/**
 * The platform's withdrawal rules (SPEC: Settings → withdrawal). One named place, pure, so the
 * domain code, the customer's form and the rules text all read the same numbers; change them here.
 */
export const WITHDRAWAL_RULES = {
  /** The smallest amount one request may take out: ¥10. */
  minFen: 1_000,
  /** The largest amount one request may take out: ¥1,000,000, the same bound as typed amounts. */
  maxFen: 100_000_000,
  /** The platform's fee on a paid withdrawal, in bps of the amount, rounded down. */
  feeBps: 0,
  /** Requests a customer may make per calendar day in China (Asia/Shanghai), whatever their outcome. */
  maxPerDay: 3,
  /** The day the daily count runs over. */
  timeZone: TIME_ZONE,
} as const;

/** The fee on a withdrawal of `amountFen`: floor(amount × feeBps / 10000). */
export function withdrawalFee(amountFen: number, feeBps: number = WITHDRAWAL_RULES.feeBps): number {
  return shareOf(amountFen, feeBps);
}
