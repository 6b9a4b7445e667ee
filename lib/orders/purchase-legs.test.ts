import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeLegs, validateLegs } from "@/lib/ledger/post";
import { DEFAULT_RULES } from "@/lib/rules/settings";
import { computeShares } from "@/lib/rules/shares";
import { purchaseLegs, reverseLegs, type PurchaseAccounts } from "./purchase-legs";

const ACCOUNTS: PurchaseAccounts = {
  cashSource: 1,
  settlement: 2,
  platformFees: 3,
  pointsReserve: 4,
  pool: 5,
  pointsIssued: 6,
  pointsLocked: 7,
  pointsAvailable: 8,
};

describe("purchaseLegs and its reverse", () => {
  it("balance for each asset, and the purchase followed by its reverse leaves every account as it was", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 300, max: 5000 }),
        (amountFen, points, rebateBps) => {
          const pointsUsed = Math.min(points, amountFen);
          const cashFen = amountFen - pointsUsed;
          const s = computeShares(cashFen, { ...DEFAULT_RULES, rebateBps });
          const order = { cashFen, pointsUsed, ...s };
          const legs = purchaseLegs(order, ACCOUNTS);
          validateLegs(legs);
          validateLegs(reverseLegs(legs));
          expect(mergeLegs([...legs, ...reverseLegs(legs)])).toEqual([]);
          // The cash comes from the rails, all of it, and nothing else touches them.
          expect(legs.filter((l) => l.accountId === ACCOUNTS.cashSource)).toEqual([{ accountId: 1, asset: "CNY", amount: -cashFen }]);
        },
      ),
    );
  });
});
