import { describe, expect, it } from "vitest";
import { groupByOrder } from "./groups";
import type { LiveEntry } from "./live";

function entry(id: number, orderNo: string, position: number, neededFen: number, queueName = "Q"): LiveEntry {
  return {
    id, orderNo, position, neededFen, queueName, queueId: 1, payoutMode: "auto", targetFen: 100_00,
    aheadFen: 0, coveredFen: 0, poolFen: 0, progressBps: 0,
  };
}

describe("groupByOrder", () => {
  it("makes one group per order, the next to be freed first, its entries in place order", () => {
    const big = Array.from({ length: 9 }, (_, i) => entry(20 + i, "B888", 12 - i, 5_000 + (12 - i) * 100_00));
    const groups = groupByOrder([...big, entry(3, "A58", 2, 40_00), entry(9, "C20", 1, 0, "Other")]);
    expect(groups.map((g) => [g.orderNo, g.entries.length])).toEqual([["C20", 1], ["A58", 1], ["B888", 9]]);
    expect(groups[2]!.entries.map((e) => e.position)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(groups[2]!.totalFen).toBe(900_00);
  });
});
