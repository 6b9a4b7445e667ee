import { DomainError } from "@/lib/errors";
import type { PaymentProvider } from "./provider";

const notHere = () => new DomainError("not_found", "POS payments are taken at the store's till, not through Freeline");

/**
 * Orders paid at the store's own till and reported through the POS API (provider "pos"). They are
 * confirmed by the API call itself, never by a notification; a refund is cash handed back at the
 * till, so it "succeeds" at once under a reference derived from its out-id.
 */
export const posProvider: PaymentProvider = {
  id: "pos",
  simulated: false,
  async createPayment() {
    throw notHere();
  },
  async queryPayment() {
    throw notHere();
  },
  async closePayment() {
    throw notHere();
  },
  async verifyNotification() {
    throw notHere();
  },
  answerNotification(outcome) {
    return Response.json(outcome.ok ? {} : { error: { code: outcome.code, message: outcome.message } }, {
      status: outcome.ok ? 200 : outcome.status,
    });
  },
  async refund(req) {
    return { state: "succeeded", providerRef: `pos_${req.outRefundNo}` };
  },
  async queryRefund(req) {
    return { state: "succeeded", providerRef: `pos_${req.outRefundNo}` };
  },
  async transfer() {
    return { state: "failed", reason: "POS stores cannot send transfers" };
  },
  async queryTransfer() {
    return { state: "failed", reason: "POS stores cannot send transfers" };
  },
  // The till's cash has no bill Freeline can fetch: the POS API's own records stand in for one.
  async downloadBill() {
    return { source: "ledger" };
  },
  // No transfer of real money is ever sent through it.
  async downloadTransferStatement() {
    return { source: "none" };
  },
};
