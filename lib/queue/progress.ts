/**
 * What a waiting entry shows: the amount ahead, how much of its own target the pool already
 * holds beyond the entries ahead, and what is still needed.
 *
 * The indicator is the covered share of the entry's own target, not the pool against everything
 * up to the entry: when the pool pays the head, the pool and the amount ahead fall by the same
 * target, so the covered part stays where it was (the old share of ahead + target fell, e.g. from
 * 56% to 9%). With every inflow the covered part grows, and with every payout ahead the amount
 * ahead shrinks: neither moves backwards while the entry waits.
 */
export type EntryStanding = {
  /** Sum of the targets of the waiting entries ahead. */
  aheadFen: number;
  /** The part of the entry's own target the pool holds after the entries ahead: 0..target. */
  coveredFen: number;
  /** ahead + target − pool, at least 0. */
  neededFen: number;
  /** coveredFen as a share of the target, 0..10000, rounded down (100% only when covered). */
  progressBps: number;
};

export function entryStanding(args: { aheadFen: number; targetFen: number; poolFen: number }): EntryStanding {
  const { aheadFen, targetFen, poolFen } = args;
  const coveredFen = Math.min(targetFen, Math.max(0, poolFen - aheadFen));
  return {
    aheadFen,
    coveredFen,
    neededFen: Math.max(0, aheadFen + targetFen - poolFen),
    progressBps: targetFen > 0 ? Math.floor((coveredFen * 10_000) / targetFen) : 0,
  };
}
