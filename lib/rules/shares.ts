import { shareOf } from "@/lib/money/bps";
import type { RuleSettings } from "./settings";

export type Shares = {
  rebateFen: number;
  platformFeeFen: number;
  /** Points issued to the customer; the same number of fen goes to the points reserve. */
  pointsEarned: number;
  poolFen: number;
  /** What the merchant keeps of the cash: the cash less the rebate. */
  merchantNetFen: number;
};

/**
 * How an order's cash amount is shared out. Every share is floored; the rebate's own rounding
 * remainder stays with the merchant, and the pool takes the rest of the rebate after fee and points.
 */
export function computeShares(
  cashFen: number,
  rule: Pick<RuleSettings, "rebateBps" | "platformFeeBps" | "pointsBps">,
): Shares {
  const rebateFen = shareOf(cashFen, rule.rebateBps);
  const platformFeeFen = shareOf(rebateFen, rule.platformFeeBps);
  const pointsEarned = shareOf(rebateFen, rule.pointsBps);
  const poolFen = rebateFen - platformFeeFen - pointsEarned;
  if (poolFen < 0) throw new RangeError("platform fee and points exceed the rebate");
  return { rebateFen, platformFeeFen, pointsEarned, poolFen, merchantNetFen: cashFen - rebateFen };
}
