import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, pool } from "@/db";
import { inTransaction } from "@/db/transaction";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { refundOrder } from "@/lib/orders/refund";
import { settleRefund } from "@/lib/orders/refund-provider";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { bindTestAlipay } from "@/lib/testing/payout";
import { settleWithdrawal } from "@/lib/wallet/withdrawal-transfer";
import { approveWithdrawal, requestWithdrawal } from "@/lib/wallet/withdrawals";
import { expectLedgerClean } from "@/lib/testing/verify";
import { compareWithProviders, ledgerRecords, type Finding, type ProviderRecords } from "./provider-check";

// The chaos run's provider check against a real database: its queries read the ledger's side
// (orders, refund rows, their postings) so that a hand-made disagreement with the providers'
// records is reported, and goes away once the ledger holds the same thing.

afterAll(expectLedgerClean);

async function wechatOrder(amountFen: number, paid: boolean) {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = await makeCustomer();
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen, idempotencyKey: randomUUID(), provider: "wechat" }),
  );
  if (paid) await inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `wx${order.id}`, provider: "wechat" }));
  return order;
}

/** The findings about these orders only (the test database holds other tests' orders too). */
async function findingsAbout(provider: ProviderRecords, orderNos: string[]): Promise<string[]> {
  const all: Finding[] = compareWithProviders(provider, await ledgerRecords(pool()));
  return all.filter((f) => orderNos.some((n) => f.example.includes(n))).map((f) => f.category);
}

describe("the chaos run's provider check, on the database", () => {
  it("reports a refund the provider made until the ledger holds it exactly once", async () => {
    const order = await wechatOrder(10_000, true);
    const operator = await makeCustomer("operator");
    const outId = `RF${order.orderNo}01`;
    const provider: ProviderRecords = {
      payments: [{ provider: "wechat", orderNo: order.orderNo, amountFen: order.cashFen, ref: `wx${order.id}` }],
      refunds: [{ provider: "wechat", outId, amountFen: order.cashFen }],
      transfers: [],
    };
    // The provider refunded, the ledger knows nothing (the broken outbox's rolled-back transaction).
    expect(await findingsAbout(provider, [order.orderNo])).toEqual(["refund made by the provider, missing from the ledger"]);

    // Recorded but not confirmed: the money has not left in the ledger yet.
    await inTransaction((tx) => refundOrder(tx, { orderId: order.id, actor: { userId: operator, role: "operator" }, reason: "test" }));
    await db.execute(sql`select graphile_worker.remove_job(${`refund:${outId}`})`);
    expect(await findingsAbout(provider, [order.orderNo])).toEqual(["refund made by the provider, not in the ledger exactly once"]);
    const refundRow = async () => (await ledgerRecords(pool())).refunds.find((r) => r.outId === outId);
    // The reversal (order_refund) is posted; the money leaving (refund_sent) is not.
    expect(await refundRow()).toEqual({ outId, provider: "wechat", amountFen: 10_000, status: "pending", postings: 0 });

    // Confirmed: one refund_sent, and the two sides agree.
    await inTransaction((tx) => settleRefund(tx, outId, { state: "succeeded", providerRef: "503000001" }));
    expect(await refundRow()).toMatchObject({ status: "succeeded", postings: 1 });
    expect(await findingsAbout(provider, [order.orderNo])).toEqual([]);
  });

  it("reports a payment the provider took that the ledger never posted, and a posting no provider took", async () => {
    const unpaid = await wechatOrder(5_000, false);
    const paid = await wechatOrder(6_000, true);
    const provider: ProviderRecords = {
      payments: [{ provider: "wechat", orderNo: unpaid.orderNo, amountFen: unpaid.cashFen, ref: "wx-lost" }],
      refunds: [],
      transfers: [],
    };
    expect(await findingsAbout(provider, [unpaid.orderNo, paid.orderNo])).toEqual([
      "payment taken by the provider, not posted exactly once",
      "payment posted that no provider took",
    ]);
  });

  it("reads each withdrawal sent through a provider: paid once, a refused one returned once, one in flight still owed", async () => {
    const customer = await makeCustomer();
    const store = await makeStore({ rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 5000, unitCapFen: 0, minOrderFen: 0 });
    await placePaidOrder(customer, store.id, 20_000);
    const operator = await makeCustomer("operator");
    const account = await bindTestAlipay(customer);
    const approved = async (amountFen: number) => {
      const w = await inTransaction((tx) => requestWithdrawal(tx, { userId: customer, amountFen, payoutAccountId: account }));
      return (await inTransaction((tx) => approveWithdrawal(tx, { withdrawalId: w.id, operatorId: operator }, () => "alipay"))).outBillNo!;
    };
    const [paid, refused, inFlight] = [await approved(1_100), await approved(1_200), await approved(1_300)];
    await inTransaction((tx) => settleWithdrawal(tx, paid, { state: "succeeded", providerRef: "ali-t-1" }));
    await inTransaction((tx) => settleWithdrawal(tx, refused, { state: "failed", reason: "PAYEE_NOT_EXIST" }));
    // The same answers again change nothing.
    await inTransaction((tx) => settleWithdrawal(tx, paid, { state: "succeeded", providerRef: "ali-t-1" }));
    await inTransaction((tx) => settleWithdrawal(tx, refused, { state: "failed", reason: "PAYEE_NOT_EXIST" }));

    const mine = (await ledgerRecords(pool())).transfers.filter((t) => [paid, refused, inFlight].includes(t.outId));
    expect(mine.sort((a, b) => a.amountFen - b.amountFen)).toEqual([
      { outId: paid, provider: "alipay", amountFen: 1_100, status: "succeeded", postings: 1, returns: 0 },
      { outId: refused, provider: "alipay", amountFen: 1_200, status: "failed", postings: 0, returns: 1 },
      { outId: inFlight, provider: "alipay", amountFen: 1_300, status: "pending", postings: 0, returns: 0 },
    ]);
    const provider: ProviderRecords = { payments: [], refunds: [], transfers: [{ provider: "alipay", outId: paid, amountFen: 1_100 }] };
    const about = async () =>
      compareWithProviders(provider, await ledgerRecords(pool()))
        .filter((f) => [paid, refused, inFlight].some((n) => f.example.includes(n)))
        .map((f) => f.category);
    expect(await about()).toEqual(["transfer recorded but never sent to the provider"]);
    // The provider made the refused one after all (a refusal the ledger believed wrongly): reported.
    provider.transfers.push({ provider: "alipay", outId: refused, amountFen: 1_200 });
    expect(await about()).toEqual([
      "transfer made by the provider, not in the ledger exactly once",
      "transfer made by the provider, its money also returned",
      "transfer recorded but never sent to the provider",
    ]);
    await inTransaction((tx) => settleWithdrawal(tx, inFlight, { state: "succeeded", providerRef: "ali-t-3" }));
    await expectLedgerClean();
  });
});
