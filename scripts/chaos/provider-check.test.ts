import { describe, expect, it } from "vitest";
import { compareWithProviders, type LedgerRecords, type ProviderRecords } from "./provider-check";

// The chaos run's provider check must be able to fail: each hand-made disagreement between the
// providers' records and the ledger is reported, and agreeing records report nothing.

function agreeing(): { provider: ProviderRecords; ledger: LedgerRecords } {
  return {
    provider: {
      payments: [
        { provider: "wechat", orderNo: "FL261207AAAAAAAA", amountFen: 12_000, ref: "4200001" },
        { provider: "alipay", orderNo: "FL261207BBBBBBBB", amountFen: 5_000, ref: "2026001" },
      ],
      refunds: [{ provider: "wechat", outId: "RFFL261207AAAAAAAA01", amountFen: 12_000 }],
      transfers: [{ provider: "alipay", outId: "WD0001", amountFen: 3_000 }],
    },
    ledger: {
      payments: [
        { orderNo: "FL261207AAAAAAAA", provider: "wechat", cashFen: 12_000, providerRef: "4200001", postings: 1 },
        { orderNo: "FL261207BBBBBBBB", provider: "alipay", cashFen: 5_000, providerRef: "2026001", postings: 1 },
        // Never paid: expired, nothing at the provider, nothing posted.
        { orderNo: "FL261207CCCCCCCC", provider: "wechat", cashFen: 7_000, providerRef: null, postings: 0 },
      ],
      refunds: [
        { outId: "RFFL261207AAAAAAAA01", provider: "wechat", amountFen: 12_000, status: "succeeded", postings: 1 },
        // Refused for good by the provider: nothing left, nothing posted.
        { outId: "RFFL261207DDDDDDDD01", provider: "alipay", amountFen: 900, status: "failed", postings: 0 },
      ],
      transfers: [
        { outId: "WD0001", provider: "alipay", amountFen: 3_000, status: "succeeded", postings: 1, returns: 0 },
        // Refused by the provider: the money went back to the wallet once, nothing left.
        { outId: "WD0002", provider: "wechat", amountFen: 2_000, status: "failed", postings: 0, returns: 1 },
      ],
    },
  };
}

const categories = (p: ProviderRecords, l: LedgerRecords) => compareWithProviders(p, l).map((f) => f.category);

describe("the chaos run's provider check", () => {
  it("finds nothing when the providers and the ledger agree", () => {
    const { provider, ledger } = agreeing();
    expect(compareWithProviders(provider, ledger)).toEqual([]);
  });

  it("reports a refund the provider made that the ledger lacks (what a provider call inside a rolled-back transaction leaves)", () => {
    const { provider, ledger } = agreeing();
    provider.refunds.push({ provider: "alipay", outId: "RFFL261207BBBBBBBB01", amountFen: 5_000 });
    expect(categories(provider, ledger)).toEqual(["refund made by the provider, missing from the ledger"]);
  });

  it("reports a payment the provider took that is not posted, or posted twice", () => {
    const { provider, ledger } = agreeing();
    ledger.payments[0]!.postings = 0;
    ledger.payments[1]!.postings = 2;
    expect(categories(provider, ledger)).toEqual([
      "payment taken by the provider, not posted exactly once",
      "payment taken by the provider, not posted exactly once",
    ]);
    ledger.payments.splice(0, 1);
    expect(categories(provider, ledger)).toContain("payment taken by the provider, missing from the ledger");
  });

  it("reports a posting no provider took, and one of another amount", () => {
    const { provider, ledger } = agreeing();
    ledger.payments[2]!.postings = 1;
    ledger.payments[0]!.cashFen = 11_999;
    expect(categories(provider, ledger).sort()).toEqual(["payment posted that no provider took", "payment posted with another amount, provider or reference"]);
  });

  it("reports a refund in the ledger no provider made, one recorded twice, and one still owed", () => {
    const { provider, ledger } = agreeing();
    ledger.refunds[0]!.postings = 2;
    ledger.refunds.push({ outId: "RFFL261207EEEEEEEE01", provider: "wechat", amountFen: 800, status: "succeeded", postings: 1 });
    ledger.refunds.push({ outId: "RFFL261207FFFFFFFF01", provider: "wechat", amountFen: 700, status: "pending", postings: 0 });
    expect(categories(provider, ledger)).toEqual([
      "refund made by the provider, not in the ledger exactly once",
      "refund in the ledger that no provider made",
      "refund recorded but never sent to the provider",
    ]);
  });

  it("checks transfers the same way", () => {
    const { provider, ledger } = agreeing();
    ledger.transfers = [];
    expect(categories(provider, ledger)).toEqual(["transfer made by the provider, missing from the ledger"]);
  });

  it("reports a transfer the provider made that the ledger paid out twice, or also returned", () => {
    const { provider, ledger } = agreeing();
    ledger.transfers[0]!.postings = 2;
    expect(categories(provider, ledger)).toEqual(["transfer made by the provider, not in the ledger exactly once"]);
    ledger.transfers[0] = { ...ledger.transfers[0]!, postings: 0, status: "failed", returns: 1 };
    expect(categories(provider, ledger)).toEqual(["transfer made by the provider, not in the ledger exactly once", "transfer made by the provider, its money also returned"]);
  });

  it("reports a failed transfer whose money was never returned, or returned twice, and one the ledger paid out that no provider made", () => {
    const { provider, ledger } = agreeing();
    ledger.transfers[1]!.returns = 0;
    expect(categories(provider, ledger)).toEqual(["failed transfer whose money was not returned exactly once"]);
    ledger.transfers[1]!.returns = 2;
    expect(categories(provider, ledger)).toEqual(["failed transfer whose money was not returned exactly once"]);
    ledger.transfers[1] = { ...ledger.transfers[1]!, status: "succeeded", postings: 1, returns: 0 };
    expect(categories(provider, ledger)).toEqual(["transfer in the ledger that no provider made"]);
  });

  it("reports a transfer approved but never sent once the run settled", () => {
    const { provider, ledger } = agreeing();
    ledger.transfers.push({ outId: "WD0003", provider: "alipay", amountFen: 1_000, status: "pending", postings: 0, returns: 0 });
    expect(categories(provider, ledger)).toEqual(["transfer recorded but never sent to the provider"]);
  });
});
