import { shareOf } from "@/lib/money/bps";
import type { RuleSettings } from "./settings";

/**
 * An order's queue units: its target T = floor(cash × free_bps / 10000), split into pieces of at
 * most unit_cap (0 = no split). An order below min_order joins no queue.
 * Example: ¥350 at the defaults gives [10000, 10000, 10000, 5000].
 */
export function queueUnits(
  cashFen: number,
  rule: Pick<RuleSettings, "freeBps" | "unitCapFen" | "minOrderFen">,
): number[] {
  if (cashFen < rule.minOrderFen) return [];
  const target = shareOf(cashFen, rule.freeBps);
  if (target <= 0) return [];
  if (rule.unitCapFen <= 0 || target <= rule.unitCapFen) return [target];
  const full = Math.floor(target / rule.unitCapFen);
  const rest = target - full * rule.unitCapFen;
  const units = new Array<number>(full).fill(rule.unitCapFen);
  if (rest > 0) units.push(rest);
  return units;
}

/** Exit compensation in points for leaving an entry, before the cap at what the pool holds. */
export function exitCompensation(targetFen: number, exitCompBps: number): number {
  return shareOf(targetFen, exitCompBps);
}
