import type { Cells } from "@/db/rows";
import type { Leg } from "@/lib/ledger";

/** An order's shares, all fixed when it was created from its rule version. */
export type PurchaseShares = {
  cashFen: number;
  rebateFen: number;
  platformFeeFen: number;
  pointsEarned: number;
  poolFen: number;
  pointsUsed: number;
};

/** An order's shares from a raw row of the orders table (the payment's and the refund's own reads). */
export function purchaseSharesOf(r: Cells): PurchaseShares {
  return {
    cashFen: r.int("cash_fen"),
    rebateFen: r.int("rebate_fen"),
    platformFeeFen: r.int("platform_fee_fen"),
    pointsEarned: r.int("points_earned"),
    poolFen: r.int("pool_fen"),
    pointsUsed: r.int("points_used"),
  };
}

/** The accounts a purchase moves money and points between. */
export type PurchaseAccounts = {
  /** Where the cash comes from: the payment rails (world). */
  cashSource: number;
  settlement: number;
  platformFees: number;
  pointsReserve: number;
  pool: number;
  pointsIssued: number;
  pointsLocked: number;
  pointsAvailable: number;
};

/**
 * A purchase's accounts from the ledger's lookups. The payment and its refund name the same ones
 * but for where the cash comes from (the rails, or the customer's refunds_pending).
 */
export function purchaseAccountsOf(
  at: { cashSource: number; settlement: number; pool: number },
  customer: { points_reserve: number; points_locked: number; points_available: number },
  platform: { platformFees: number; pointsIssued: number },
): PurchaseAccounts {
  return {
    ...at,
    platformFees: platform.platformFees,
    pointsReserve: customer.points_reserve,
    pointsIssued: platform.pointsIssued,
    pointsLocked: customer.points_locked,
    pointsAvailable: customer.points_available,
  };
}

/**
 * The legs of an order's purchase: the one definition of what a payment posts. A refund posts its
 * exact reverse (reverseLegs), with the cash going to the customer's refunds_pending account instead
 * of straight back to the rails (lib/orders/refund.ts).
 */
export function purchaseLegs(o: PurchaseShares, a: PurchaseAccounts): Leg[] {
  const legs: Leg[] = [
    // Cash in from the payment rails, shared out.
    { accountId: a.cashSource, asset: "CNY", amount: -o.cashFen },
    { accountId: a.settlement, asset: "CNY", amount: o.cashFen - o.rebateFen },
    { accountId: a.platformFees, asset: "CNY", amount: o.platformFeeFen },
    { accountId: a.pointsReserve, asset: "CNY", amount: o.pointsEarned },
    { accountId: a.pool, asset: "CNY", amount: o.poolFen },
    // Points issued against the reserve, locked until released.
    { accountId: a.pointsIssued, asset: "PTS", amount: -o.pointsEarned },
    { accountId: a.pointsLocked, asset: "PTS", amount: o.pointsEarned },
  ];
  if (o.pointsUsed > 0) {
    // Redeemed points are burned, and the reserve pays the merchant their value.
    legs.push(
      { accountId: a.pointsAvailable, asset: "PTS", amount: -o.pointsUsed },
      { accountId: a.pointsIssued, asset: "PTS", amount: o.pointsUsed },
      { accountId: a.pointsReserve, asset: "CNY", amount: -o.pointsUsed },
      { accountId: a.settlement, asset: "CNY", amount: o.pointsUsed },
    );
  }
  return legs;
}

/** The same legs with every amount negated: the posting that undoes them. */
export function reverseLegs(legs: Leg[]): Leg[] {
  return legs.map((l) => ({ ...l, amount: -l.amount }));
}
