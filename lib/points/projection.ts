import { shareOfCeil } from "@/lib/money/bps";

/** One future daily release: the day's number (1 = the next release) and the points it moves. */
export type ProjectedRelease = { day: number; points: number };

/** Safety bound on the walk: at 1 bp a day and 10^12 points this is still far more than needed. */
const MAX_DAYS = 400_000;

/**
 * What today's locked balance becomes available day by day if nothing else changes: each day
 * ceil(locked × bps / 10000) is released, or all that remain when fewer (the daily release job's
 * rule). Returns the first `days` releases (fewer when the balance runs out first) and the number
 * of releases it takes to free everything (0 when nothing is locked or nothing is released).
 */
export function projectReleases(locked: number, releaseBpsPerDay: number, days: number): { releases: ProjectedRelease[]; daysToAll: number } {
  const releases: ProjectedRelease[] = [];
  if (locked <= 0 || releaseBpsPerDay <= 0) return { releases, daysToAll: 0 };
  let left = locked;
  let day = 0;
  while (left > 0 && day < MAX_DAYS) {
    day += 1;
    const points = Math.min(left, shareOfCeil(left, releaseBpsPerDay));
    left -= points;
    if (day <= days) releases.push({ day, points });
  }
  return { releases, daysToAll: day };
}
