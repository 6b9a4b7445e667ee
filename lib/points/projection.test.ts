import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shareOfCeil } from "@/lib/money/bps";
import { projectReleases } from "./projection";

describe("the points page's release projection", () => {
  it("follows the daily rule: 500 at 2% releases 10, 10, 10 (9.8 rounded up)…", () => {
    const { releases } = projectReleases(500, 200, 3);
    expect(releases).toEqual([
      { day: 1, points: 10 },
      { day: 2, points: 10 },
      { day: 3, points: 10 },
    ]);
    expect(projectReleases(500, 10_000, 14)).toEqual({ releases: [{ day: 1, points: 500 }], daysToAll: 1 });
    expect(projectReleases(0, 200, 14)).toEqual({ releases: [], daysToAll: 0 });
  });

  it("never releases more than is locked, never grows from one day to the next, and frees everything in daysToAll days", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 20, max: 10_000 }), (locked, bps) => {
        const all = projectReleases(locked, bps, Number.MAX_SAFE_INTEGER);
        expect(all.releases.reduce((s, r) => s + r.points, 0)).toBe(locked);
        expect(all.releases).toHaveLength(all.daysToAll);
        expect(all.releases[0]!.points).toBe(Math.min(locked, shareOfCeil(locked, bps)));
        const grows = all.releases.findIndex((r, i) => r.points <= 0 || (i > 0 && r.points > all.releases[i - 1]!.points));
        expect(grows).toBe(-1);
        const first = projectReleases(locked, bps, 14);
        expect(first.releases).toEqual(all.releases.slice(0, 14));
        expect(first.daysToAll).toBe(all.daysToAll);
      }),
      { numRuns: 200 },
    );
  });
});
