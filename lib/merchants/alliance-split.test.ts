import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { entryStanding } from "@/lib/queue/progress";
import { largestRemainder, mergeByArrival, splitPool } from "./alliance-split";

const members = fc.integer({ min: 1, max: 6 }).map((n) => Array.from({ length: n }, (_, i) => i + 1));

const shared = members.chain((ms) =>
  fc.record({
    ms: fc.constant(ms),
    entries: fc.array(fc.record({ memberId: fc.constantFrom(...ms), targetFen: fc.integer({ min: 1, max: 20_000 }) }), { maxLength: 40 }),
    weights: fc.tuple(...ms.map(() => fc.integer({ min: 0, max: 1_000_000 }))),
    poolFen: fc.integer({ min: 0, max: 500_000 }),
  }),
);

/** What each entry's pool covers beyond the entries ahead, in a queue of `entries` and `poolFen`. */
function covered(entries: readonly { targetFen: number }[], poolFen: number): number[] {
  let ahead = 0;
  return entries.map((e) => {
    const c = entryStanding({ aheadFen: ahead, targetFen: e.targetFen, poolFen }).coveredFen;
    ahead += e.targetFen;
    return c;
  });
}

describe("splitPool", () => {
  it("divides the whole pool, never negative, and leaves every entry exactly as covered in its own store's queue", () => {
    fc.assert(
      fc.property(shared, ({ ms, entries, weights, poolFen }) => {
        const shares = splitPool({ poolFen, entries, weights: ms.map((m, i) => ({ memberId: m, weight: weights[i]! })) });
        expect([...shares.keys()].sort()).toEqual(ms);
        expect([...shares.values()].reduce((a, b) => a + b, 0)).toBe(poolFen);
        for (const v of shares.values()) expect(v).toBeGreaterThanOrEqual(0);

        const before = covered(entries, poolFen);
        for (const m of ms) {
          const own = entries.map((e, i) => ({ ...e, i })).filter((e) => e.memberId === m);
          const after = covered(own, shares.get(m)!);
          own.forEach((e, k) => expect(after[k]).toBe(before[e.i]));
        }
      }),
    );
  });

  it("gives a pool that covers nobody entirely to the head's store", () => {
    const shares = splitPool({
      poolFen: 700,
      entries: [{ memberId: 2, targetFen: 1000 }, { memberId: 1, targetFen: 500 }],
      weights: [{ memberId: 1, weight: 99 }, { memberId: 2, weight: 1 }],
    });
    expect(Object.fromEntries(shares)).toEqual({ 1: 0, 2: 700 });
  });

  it("splits what is left over beyond every waiting entry by contribution", () => {
    const shares = splitPool({
      poolFen: 1300,
      entries: [{ memberId: 1, targetFen: 300 }],
      weights: [{ memberId: 1, weight: 1 }, { memberId: 2, weight: 3 }],
    });
    expect(Object.fromEntries(shares)).toEqual({ 1: 300 + 250, 2: 750 });
  });
});

describe("largestRemainder", () => {
  it("adds up exactly and gives each member its proportional share rounded down or up", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 8 }), (total, ws) => {
        const weights = ws.map((w, i) => ({ memberId: i + 1, weight: w }));
        const shares = largestRemainder(total, weights);
        expect([...shares.values()].reduce((a, b) => a + b, 0)).toBe(total);
        const sum = ws.reduce((a, b) => a + b, 0);
        for (const w of weights) {
          const exact = sum > 0 ? (total * w.weight) / sum : total / ws.length;
          const got = shares.get(w.memberId)!;
          expect(got).toBeGreaterThanOrEqual(Math.floor(exact) - 1e-9);
          expect(got).toBeLessThanOrEqual(Math.ceil(exact) + 1e-9);
        }
      }),
    );
  });
});

describe("mergeByArrival", () => {
  const queue = fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 15 });
  it("keeps every queue's own order, loses nobody, and is in arrival order when each queue is", () => {
    fc.assert(
      fc.property(fc.array(queue, { maxLength: 5 }), (qs) => {
        const lists = qs.map((ts, q) => ts.map((t, i) => ({ q, i, joinedAtMs: t })));
        const merged = mergeByArrival(lists);
        expect(merged).toHaveLength(qs.flat().length);
        for (let q = 0; q < qs.length; q++) expect(merged.filter((e) => e.q === q).map((e) => e.i)).toEqual(qs[q]!.map((_, i) => i));
        const sortedLists = lists.map((l) => [...l].sort((a, b) => a.joinedAtMs - b.joinedAtMs));
        const m2 = mergeByArrival(sortedLists).map((e) => e.joinedAtMs);
        expect(m2).toEqual([...m2].sort((a, b) => a - b));
      }),
    );
  });
});
