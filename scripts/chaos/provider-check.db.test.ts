import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, pool } from "@/db";
import { inTransaction } from "@/db/transaction";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { refundOrder } from "@/lib/orders/refund";
import { settleRefund } from "@/lib/orders/refund-provider";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
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
});
