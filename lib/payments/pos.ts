import { DomainError } from "@/lib/errors";
import type { PaymentProvider } from "./provider";
import { settledRefunds } from "./simulated-money-out";

/**
 * Orders paid at the store's own till and reported through the POS API (provider "pos"). They are
 * confirmed by the API call itself, never by a webhook; a refund is cash the merchant hands back at
 * the till when they ask for it, so the provider confirms it at once. The till pays nobody out.
 */
export const posProvider: PaymentProvider = {
  id: "pos",
  simulated: false,
  verifyWebhook() {
    throw new DomainError("not_found", "POS payments are confirmed through the POS API, not by webhook");
  },
  ...settledRefunds("pos"),
  transfer: async () => ({ state: "failed", reason: "the store's till cannot transfer to an account" }),
  queryTransfer: async () => ({ state: "failed", reason: "the store's till cannot transfer to an account" }),
};
