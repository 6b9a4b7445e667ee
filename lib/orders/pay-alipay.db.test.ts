import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { AlipayFake } from "@/lib/payments/alipay/fake-server";
import { createAlipayProvider } from "@/lib/payments/alipay/provider";
import { ProviderUnavailableError, type PaymentProvider } from "@/lib/payments/provider";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { createPendingOrder } from "./create";
import { acceptNotification } from "./notification";
import { paymentProvider } from "@/lib/payments";
import { expirePendingOrders } from "./expire-pending";
import { syncPayment } from "./payment";
import { alipayProviderFor } from "@/lib/testing/provider-fakes";

// Money in through Alipay, end to end through alipay-sdk against a fake that plays Alipay's
// documented gateway: RSA2-signed requests checked, signed answers and notifications. Only the
// gateway address differs from production.

let fake: AlipayFake;
let alipay: PaymentProvider;

beforeAll(async () => {
  fake = await new AlipayFake().start();
  alipay = alipayProviderFor(fake, { timeoutMs: 400 });
});

afterAll(async () => {
  await fake?.stop();
  await expectLedgerClean();
});

async function pendingOrder(amountFen = 10_000) {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = await makeCustomer();
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen, idempotencyKey: randomUUID(), provider: "alipay" }),
  );
  return order;
}

async function orderRow(orderNo: string) {
  const res = await db.execute<{ status: string; provider_ref: string | null; postings: number }>(sql`
    select o.status, o.provider_ref,
           (select count(*)::int from ledger_transactions t where t.kind = 'order_paid' and t.order_id = o.id) as postings
    from orders o where o.order_no = ${orderNo}`);
  return res.rows[0]!;
}

/** Creates the payment and opens its address as the customer's browser would (Alipay makes the trade then). */
async function opened(orderNo: string, amountFen: number, device: "phone" | "desktop" = "phone") {
  const action = await alipay.createPayment({
    orderNo,
    amountFen,
    description: "Test store",
    device,
    clientIp: "203.0.113.7",
    returnUrl: `https://shop.example.com/pay/${orderNo}`,
    expiresAt: new Date(Date.now() + 15 * 60_000),
  });
  if (action.kind !== "redirect") throw new Error(`expected a redirect, got ${action.kind}`);
  fake.open(action.url);
  return action.url;
}

describe("Alipay through alipay-sdk and the fake", () => {
  it("wap pay on a phone and page pay on a desktop: signed addresses with the amount in yuan", async () => {
    const a = await pendingOrder(12_345);
    const wap = new URL(await opened(a.orderNo, a.cashFen, "phone"));
    expect(wap.searchParams.get("method")).toBe("alipay.trade.wap.pay");
    expect(JSON.parse(wap.searchParams.get("biz_content")!)).toMatchObject({ out_trade_no: a.orderNo, total_amount: "123.45", product_code: "QUICK_WAP_WAY" });
    expect(wap.searchParams.get("notify_url")).toBe("https://shop.example.com/api/payments/alipay/webhook");
    const b = await pendingOrder(5);
    const page = new URL(await opened(b.orderNo, b.cashFen, "desktop"));
    expect(page.searchParams.get("method")).toBe("alipay.trade.page.pay");
    expect(JSON.parse(page.searchParams.get("biz_content")!)).toMatchObject({ total_amount: "0.05", product_code: "FAST_INSTANT_TRADE_PAY" });
  });

  it("success: the signed notification pays the order once, answered `success`; a duplicate posts nothing", async () => {
    const order = await pendingOrder(8_800);
    await opened(order.orderNo, order.cashFen);
    const trade = fake.pay(order.orderNo);
    const n = fake.notification(order.orderNo);
    const first = await acceptNotification(alipay, n.body, n.headers);
    expect([first.reply.status, await first.reply.text(), first.paid?.applied]).toEqual([200, "success", true]);
    const again = await acceptNotification(alipay, n.body, n.headers);
    expect([await again.reply.text(), again.paid?.applied]).toEqual(["success", false]);
    expect(await orderRow(order.orderNo)).toEqual({ status: "paid", provider_ref: trade.tradeNo, postings: 1 });
    await expectLedgerClean();
  });

  it("the browser's return queries Alipay; a notification arriving before or after applies nothing twice", async () => {
    const order = await pendingOrder();
    await opened(order.orderNo, order.cashFen);
    expect(await syncPayment(order.orderNo, () => alipay)).toBeNull();
    fake.pay(order.orderNo);
    expect((await syncPayment(order.orderNo, () => alipay))?.applied).toBe(true);
    const n = fake.notification(order.orderNo);
    const late = await acceptNotification(alipay, n.body, n.headers);
    expect([await late.reply.text(), late.paid?.applied]).toEqual(["success", false]);
    expect((await orderRow(order.orderNo)).postings).toBe(1);
  });

  it("unknown order, wrong amount, forged sign and another app are refused with `fail` and post nothing", async () => {
    const unknown = fake.notification("FL261206XXXXXXXX", { amount: "5.00" });
    const u = await acceptNotification(alipay, unknown.body, unknown.headers);
    expect([u.reply.status, await u.reply.text()]).toEqual([404, "fail"]);

    const order = await pendingOrder(5000);
    await opened(order.orderNo, order.cashFen);
    fake.pay(order.orderNo);
    const wrong = fake.notification(order.orderNo, { amount: "49.99" });
    expect((await acceptNotification(alipay, wrong.body, wrong.headers)).reply.status).toBe(409);
    for (const bad of [fake.notification(order.orderNo, { forge: true }), fake.notification(order.orderNo, { appId: "2021000000000999" })]) {
      const r = await acceptNotification(alipay, bad.body, bad.headers);
      expect([r.reply.status, await r.reply.text()]).toEqual([401, "fail"]);
    }
    // A field changed after signing.
    const good = fake.notification(order.orderNo);
    const tampered = good.body.replace("total_amount=50.00", "total_amount=0.01");
    expect((await acceptNotification(alipay, tampered, good.headers)).reply.status).toBe(401);
    expect(await orderRow(order.orderNo)).toMatchObject({ status: "pending", postings: 0 });
    await expectLedgerClean();
  });

  it("a WAIT_BUYER_PAY or TRADE_CLOSED notification is acknowledged and applies nothing", async () => {
    const order = await pendingOrder();
    await opened(order.orderNo, order.cashFen);
    const n = fake.notification(order.orderNo, { status: "TRADE_CLOSED" });
    const r = await acceptNotification(alipay, n.body, n.headers);
    expect([await r.reply.text(), r.paid]).toEqual(["success", null]);
  });

  it("5xx and timeouts on query and close throw ProviderUnavailableError; close is then safe to repeat", async () => {
    const order = await pendingOrder();
    await opened(order.orderNo, order.cashFen);
    for (const fault of ["5xx", "timeout"] as const) {
      fake.failNext(fault);
      await expect(alipay.queryPayment(order.orderNo)).rejects.toBeInstanceOf(ProviderUnavailableError);
      fake.failNext(fault);
      await expect(alipay.closePayment(order.orderNo)).rejects.toBeInstanceOf(ProviderUnavailableError);
    }
    expect(await alipay.queryPayment(order.orderNo)).toEqual({ state: "pending" });
    expect(await alipay.closePayment(order.orderNo)).toEqual({ state: "closed" });
    expect(await alipay.queryPayment(order.orderNo)).toEqual({ state: "closed" });
    // A trade never opened does not exist at Alipay: closing it is done.
    const never = await pendingOrder();
    expect(await alipay.closePayment(never.orderNo)).toEqual({ state: "closed" });
    expect(await alipay.queryPayment(never.orderNo)).toEqual({ state: "not_found" });
  });

  it("closing a trade paid in the meantime answers the payment", async () => {
    const order = await pendingOrder();
    await opened(order.orderNo, order.cashFen);
    const trade = fake.pay(order.orderNo);
    expect(await alipay.closePayment(order.orderNo)).toMatchObject({ state: "paid", event: { providerRef: trade.tradeNo, amountFen: order.cashFen } });
  });

  it("an answer signed by another key is refused by the SDK", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const stranger = createAlipayProvider({
      appId: fake.keys.appId,
      privateKey: fake.keys.appPrivateKey,
      alipayPublicKey: generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString(),
      gateway: fake.url,
      notifyUrl: "https://shop.example.com/api/payments/alipay/webhook",
      timeoutMs: 400,
    });
    await expect(stranger.queryPayment("FL261206WWWWWWWW")).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it("refunds (same out-id twice is one refund, too much is refused) and transfers (success, failure with reason)", async () => {
    const order = await pendingOrder(8000);
    await opened(order.orderNo, order.cashFen);
    fake.pay(order.orderNo);
    const req = { outRefundNo: `RF${order.orderNo}1`, orderNo: order.orderNo, paymentRef: null, refundFen: 8000, totalFen: 8000 };
    const first = await alipay.refund(req);
    expect(first).toMatchObject({ state: "succeeded" });
    expect(await alipay.refund(req)).toEqual(first);
    expect(await alipay.queryRefund(req)).toEqual(first);
    expect(await alipay.refund({ ...req, outRefundNo: `RF${order.orderNo}2`, refundFen: 1 })).toMatchObject({ state: "failed" });
    fake.failNext("timeout");
    await expect(alipay.refund({ ...req, outRefundNo: `RF${order.orderNo}3` })).rejects.toBeInstanceOf(ProviderUnavailableError);

    const t = { outBillNo: `WD${Date.now()}`, amountFen: 2000, account: { kind: "alipay", account: "buyer@example.com", realName: "Zhang San" } as const, remark: "Freeline" };
    const sent = await alipay.transfer(t);
    expect(sent).toMatchObject({ state: "succeeded" });
    expect(await alipay.transfer(t)).toEqual(sent);
    expect(await alipay.queryTransfer(t)).toEqual(sent);
    fake.transferOutcome = { status: "FAIL", reason: "PAYEE_USER_INFO_ERROR" };
    expect(await alipay.transfer({ ...t, outBillNo: `WD${Date.now()}x` })).toMatchObject({ state: "failed", reason: expect.stringContaining("PAYEE_USER_INFO_ERROR") });
    fake.transferOutcome = { status: "SUCCESS" };
    expect(fake.rejected).toBe(0);
  });

  it("expiry closes the trade at Alipay; a late TRADE_SUCCESS notification still pays the expired order in full", async () => {
    const order = await pendingOrder(3_300);
    await opened(order.orderNo, order.cashFen);
    await db.execute(sql`update orders set created_at = now() - interval '1 hour' where order_no = ${order.orderNo}`);
    await expirePendingOrders({ lookup: (id) => (id === "alipay" ? alipay : paymentProvider(id)) });
    expect(fake.trades.get(order.orderNo)?.status).toBe("TRADE_CLOSED");
    expect(await orderRow(order.orderNo)).toMatchObject({ status: "expired", postings: 0 });
    const n = fake.notification(order.orderNo);
    const r = await acceptNotification(alipay, n.body, n.headers);
    expect([await r.reply.text(), r.paid?.applied]).toEqual(["success", true]);
    expect(await orderRow(order.orderNo)).toMatchObject({ status: "paid", postings: 1 });
    await expectLedgerClean();
  });
});
