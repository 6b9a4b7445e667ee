import { DomainError } from "@/lib/errors";
import type { PaymentProvider } from "./provider";
import { recordRefund } from "./refund-record";

/**
 * Orders paid at the store's own till and reported through the POS API (provider "pos"). They are
 * confirmed by the API call itself, never by a webhook; a refund is cash handed back at the till,
 * which we record so the order's refund and its ledger reversal commit together.
 */
export const posProvider: PaymentProvider = {
  id: "pos",
  simulated: false,
  verifyWebhook() {
    throw new DomainError("not_found", "POS payments are confirmed through the POS API, not by webhook");
  },
  refund: (tx, req) => recordRefund(tx, "pos", req),
};
