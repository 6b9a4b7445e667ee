import type { RuleSettings } from "./settings";
import { computeShares, type Shares } from "./shares";
import { queueUnits } from "./units";

export type PreviewRule = Pick<RuleSettings, "rebateBps" | "platformFeeBps" | "pointsBps" | "freeBps" | "unitCapFen" | "minOrderFen">;

/** What an order will be, before it is placed: the form shows it, and the checkout records it. */
export type OrderPreview = {
  amountFen: number;
  pointsUsed: number;
  /** What is paid through the payment provider: the amount less the points redeemed. */
  cashFen: number;
  shares: Shares;
  /** Green points the cash earns (locked until released). */
  pointsEarned: number;
  /** The queue units the cash makes (empty below the store's minimum). */
  units: number[];
  /** How much more cash would join the queue; 0 when the order joins. */
  shortOfQueueFen: number;
};

/**
 * An order of `amountFen` paying `pointsUsed` of it with points, under a store's rule. The one
 * definition of the order's cash, shares and units: the checkout (lib/orders/create.ts) stores
 * these figures and the payment appends these units, and the order form shows them as the amount
 * is typed. Integers only.
 */
export function orderPreview(amountFen: number, pointsUsed: number, rule: PreviewRule): OrderPreview {
  const cashFen = amountFen - pointsUsed;
  if (!Number.isSafeInteger(cashFen) || cashFen < 0) throw new RangeError("points exceed the amount");
  const shares = computeShares(cashFen, rule);
  const units = queueUnits(cashFen, rule);
  return {
    amountFen,
    pointsUsed,
    cashFen,
    shares,
    pointsEarned: shares.pointsEarned,
    units,
    shortOfQueueFen: cashFen < rule.minOrderFen ? rule.minOrderFen - cashFen : 0,
  };
}

/**
 * The points a "use my points" switch redeems: all that are available, but never the whole amount
 * (at least 1 fen is paid in cash, through the provider: lib/orders/create.ts refuses more).
 */
export function pointsForAmount(amountFen: number, availablePoints: number): number {
  return Math.max(0, Math.min(availablePoints, amountFen - 1));
}
