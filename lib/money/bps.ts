/** Basis points in one whole: 10000 bps = 100%. */
export const BPS_ONE = 10_000;

/**
 * floor(amount × bps / 10000), in exact integer arithmetic. SPEC: every share is rounded down.
 * Inputs are non-negative safe integers whose product stays below 2^53 (an order is at most 1e8 fen
 * and a rate at most 10000 bps, so the product is at most 1e12).
 */
export function shareOf(amount: number, bps: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount must be a non-negative integer, got ${amount}`);
  if (!Number.isSafeInteger(bps) || bps < 0 || bps > BPS_ONE) throw new RangeError(`bps must be an integer in 0..10000, got ${bps}`);
  const product = amount * bps;
  if (!Number.isSafeInteger(product)) throw new RangeError("amount × bps exceeds the safe integer range");
  return (product - (product % BPS_ONE)) / BPS_ONE;
}

/** ceil(amount × bps / 10000), for the daily points release. */
export function shareOfCeil(amount: number, bps: number): number {
  const floor = shareOf(amount, bps);
  return (amount * bps) % BPS_ONE === 0 ? floor : floor + 1;
}
