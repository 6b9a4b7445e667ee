import type { PaymentProvider } from "./provider";

/**
 * Money out for providers that move no money through us: the dev provider's simulation, and the
 * POS till, where the merchant hands the cash back themselves. The answer is a pure function of the
 * out-id, so a repeated call or a query gets the same reference: idempotent by out-id, as a real
 * provider is, with nothing to remember between processes.
 */
export function settledRefunds(prefix: string): Pick<PaymentProvider, "refund" | "queryRefund"> {
  return {
    refund: async (req) => ({ state: "succeeded", providerRef: `${prefix}_refund_${req.outRefundNo}` }),
    queryRefund: async (req) => ({ state: "succeeded", providerRef: `${prefix}_refund_${req.outRefundNo}` }),
  };
}
