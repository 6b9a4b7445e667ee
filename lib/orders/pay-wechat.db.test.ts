import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { createPendingOrder } from "@/lib/orders/create";
import { acceptNotification } from "@/lib/orders/notification";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { ProviderUnavailableError, type PaymentProvider } from "@/lib/payments/provider";
import { WechatFake } from "@/lib/payments/wechat/fake-server";
import { createWechatProvider } from "@/lib/payments/wechat/provider";
import { paymentProvider } from "@/lib/payments";
import { cancelPendingOrder, expirePendingOrders } from "./expire-pending";
import { syncPayment } from "./payment";
import { wechatProviderFor } from "@/lib/testing/provider-fakes";

// Money in through WeChat Pay, end to end through the real SDK (wechatpay-axios-plugin) against a fake that plays
// WeChat Pay's documented protocol: signed requests checked, signed answers, encrypted
// notifications. Only the base URL differs from production.

let fake: WechatFake;
let wechat: PaymentProvider;

beforeAll(async () => {
  fake = await new WechatFake().start();
  wechat = wechatProviderFor(fake, { timeoutMs: 400, transferSceneId: "1000" });
});

afterAll(async () => {
  await fake?.stop();
  await expectLedgerClean();
});

async function pendingOrder(amountFen = 10_000) {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = await makeCustomer();
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen, idempotencyKey: randomUUID(), provider: "wechat" }),
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

const create = (orderNo: string, amountFen: number, device: "phone" | "desktop" | "wechat" = "phone", openid?: string) =>
  wechat.createPayment({
    orderNo,
    amountFen,
    description: "Test store",
    device,
    clientIp: "203.0.113.7",
    openid,
    returnUrl: `https://shop.example.com/pay/${orderNo}`,
    expiresAt: new Date(Date.now() + 15 * 60_000),
  });

describe("WeChat Pay through its SDK and the fake", () => {
  it("creates H5, Native and JSAPI payments with what each browser needs", async () => {
    const a = await pendingOrder();
    const h5 = await create(a.orderNo, a.cashFen, "phone");
    expect(h5.kind).toBe("redirect");
    if (h5.kind === "redirect") expect(new URL(h5.url).searchParams.get("redirect_url")).toBe(`https://shop.example.com/pay/${a.orderNo}`);

    const b = await pendingOrder();
    const qr = await create(b.orderNo, b.cashFen, "desktop");
    expect(qr).toMatchObject({ kind: "qr", codeUrl: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/) });

    const c = await pendingOrder();
    const js = await create(c.orderNo, c.cashFen, "wechat", "o-customer-openid");
    expect(js.kind).toBe("jsapi");
    if (js.kind === "jsapi") {
      expect(js.params).toMatchObject({ appId: fake.keys.appid, signType: "RSA", package: expect.stringMatching(/^prepay_id=wx/) });
      // The pay sign verifies with the merchant's public key over appId, timeStamp, nonceStr, package.
      const { createVerify } = await import("node:crypto");
      const p = js.params;
      const message = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
      expect(createVerify("RSA-SHA256").update(message).verify(fake.keys.merchantPublicKey, p.paySign, "base64")).toBe(true);
    }
    expect(fake.rejected).toBe(0);
  });

  it("success: the signed, encrypted notification pays the order once, answered 204", async () => {
    const order = await pendingOrder(12_345);
    await create(order.orderNo, order.cashFen);
    const trade = fake.pay(order.orderNo);
    const { body, headers } = fake.notification(order.orderNo);
    const { reply, paid } = await acceptNotification(wechat, body, headers);
    expect(reply.status).toBe(204);
    expect(paid?.applied).toBe(true);
    expect(await orderRow(order.orderNo)).toEqual({ status: "paid", provider_ref: trade.transactionId, postings: 1 });
    await expectLedgerClean();
  });

  it("a duplicate notification posts nothing and is still answered as received", async () => {
    const order = await pendingOrder();
    await create(order.orderNo, order.cashFen);
    fake.pay(order.orderNo);
    const first = fake.notification(order.orderNo);
    await acceptNotification(wechat, first.body, first.headers);
    const again = await acceptNotification(wechat, first.body, first.headers);
    const resent = fake.notification(order.orderNo); // WeChat's retry: same trade, new id and signature
    const third = await acceptNotification(wechat, resent.body, resent.headers);
    expect([again.reply.status, third.reply.status]).toEqual([204, 204]);
    expect([again.paid?.applied, third.paid?.applied]).toEqual([false, false]);
    expect((await orderRow(order.orderNo)).postings).toBe(1);
    await expectLedgerClean();
  });

  it("the notification may arrive before the browser returns; the return's query then applies nothing", async () => {
    const order = await pendingOrder();
    await create(order.orderNo, order.cashFen);
    // Before paying, the return finds nothing to apply.
    expect(await syncPayment(order.orderNo, () => wechat)).toBeNull();
    fake.pay(order.orderNo);
    const n = fake.notification(order.orderNo);
    expect((await acceptNotification(wechat, n.body, n.headers)).paid?.applied).toBe(true);
    const calls = fake.calls.length;
    expect(await syncPayment(order.orderNo, () => wechat)).toBeNull(); // paid already: not even asked
    expect(fake.calls.length).toBe(calls);
    expect((await orderRow(order.orderNo)).postings).toBe(1);
  });

  it("the browser may return before the notification: the query pays it, the notification then applies nothing", async () => {
    const order = await pendingOrder();
    await create(order.orderNo, order.cashFen);
    fake.pay(order.orderNo);
    expect((await syncPayment(order.orderNo, () => wechat))?.applied).toBe(true);
    const n = fake.notification(order.orderNo);
    const late = await acceptNotification(wechat, n.body, n.headers);
    expect([late.reply.status, late.paid?.applied]).toEqual([204, false]);
    expect((await orderRow(order.orderNo)).postings).toBe(1);
    await expectLedgerClean();
  });

  it("a notification for an order we never made is refused and posts nothing", async () => {
    const { body, headers } = fake.notification("FL261206ZZZZZZZZ", { amountFen: 500 });
    const { reply, paid } = await acceptNotification(wechat, body, headers);
    expect(reply.status).toBe(404);
    expect(await reply.json()).toMatchObject({ code: "FAIL" });
    expect(paid).toBeNull();
    await expectLedgerClean();
  });

  it("a wrong amount is refused, and the order stays unpaid", async () => {
    const order = await pendingOrder(5000);
    await create(order.orderNo, order.cashFen);
    const { body, headers } = fake.notification(order.orderNo, { amountFen: 4999 });
    const { reply } = await acceptNotification(wechat, body, headers);
    expect(reply.status).toBe(409);
    expect(await orderRow(order.orderNo)).toMatchObject({ status: "pending", postings: 0 });
  });

  it("a forged signature, an unknown certificate serial, a stale timestamp or another merchant are refused (401)", async () => {
    const order = await pendingOrder();
    await create(order.orderNo, order.cashFen);
    fake.pay(order.orderNo);
    const cases = [
      fake.notification(order.orderNo, { forge: true }),
      fake.notification(order.orderNo, { serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1" }),
      fake.notification(order.orderNo, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      fake.notification(order.orderNo, { mchid: "1900000999" }),
    ];
    for (const { body, headers } of cases) {
      const { reply, paid } = await acceptNotification(wechat, body, headers);
      expect(reply.status).toBe(401);
      expect(paid).toBeNull();
    }
    // A body altered after signing fails the signature too.
    const good = fake.notification(order.orderNo);
    const tampered = await acceptNotification(wechat, good.body.replace('"summary":"paid"', '"summary":"PAID"'), good.headers);
    expect(tampered.reply.status).toBe(401);
    expect(await orderRow(order.orderNo)).toMatchObject({ status: "pending", postings: 0 });
  });

  it("an answer signed by an unknown key is refused by the SDK (it could be anyone's)", async () => {
    const stranger = createWechatProvider({
      mchid: fake.keys.mchid,
      appid: fake.keys.appid,
      merchantSerial: fake.keys.merchantSerial,
      privateKey: fake.keys.merchantPrivateKey,
      apiV3Key: fake.keys.apiV3Key,
      // Trusts another platform serial only: the fake's answers name one it does not know.
      platformKeys: new Map([["1234ABCD", fake.keys.platformCert]]),
      baseUrl: fake.url,
      notifyUrl: "https://shop.example.com/api/payments/wechat/webhook",
      timeoutMs: 400,
    });
    const order = await pendingOrder();
    await create(order.orderNo, order.cashFen);
    // A 200 answer is verified (the SDK leaves 4xx/5xx answers unverified: they change nothing here).
    await expect(stranger.queryPayment(order.orderNo)).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(stranger.createPayment({
      orderNo: order.orderNo, amountFen: order.cashFen, description: "x", device: "desktop", clientIp: "203.0.113.7",
      returnUrl: "https://shop.example.com/", expiresAt: new Date(Date.now() + 60_000),
    })).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it("5xx and timeouts on create, query and close throw ProviderUnavailableError and change nothing; a retry works", async () => {
    const order = await pendingOrder();
    fake.failNext("5xx");
    await expect(create(order.orderNo, order.cashFen)).rejects.toBeInstanceOf(ProviderUnavailableError);
    fake.failNext("timeout");
    await expect(create(order.orderNo, order.cashFen)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect((await create(order.orderNo, order.cashFen)).kind).toBe("redirect");

    fake.failNext("5xx");
    await expect(wechat.queryPayment(order.orderNo)).rejects.toBeInstanceOf(ProviderUnavailableError);
    fake.failNext("timeout");
    await expect(wechat.queryPayment(order.orderNo)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await wechat.queryPayment(order.orderNo)).toEqual({ state: "pending" });

    fake.failNext("5xx");
    await expect(wechat.closePayment(order.orderNo)).rejects.toBeInstanceOf(ProviderUnavailableError);
    fake.failNext("timeout");
    await expect(wechat.closePayment(order.orderNo)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await wechat.closePayment(order.orderNo)).toEqual({ state: "closed" });
    expect(await wechat.closePayment(order.orderNo)).toEqual({ state: "closed" }); // again: still fine
    expect(await wechat.queryPayment(order.orderNo)).toEqual({ state: "closed" });
    expect(await orderRow(order.orderNo)).toMatchObject({ status: "pending", postings: 0 });
  });

  it("closing a trade the customer has just paid answers the payment instead", async () => {
    const order = await pendingOrder();
    await create(order.orderNo, order.cashFen);
    const trade = fake.pay(order.orderNo);
    const closed = await wechat.closePayment(order.orderNo);
    expect(closed).toMatchObject({ state: "paid", event: { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: trade.transactionId } });
  });

  it("an unknown order queries as not found", async () => {
    expect(await wechat.queryPayment("FL261206YYYYYYYY")).toEqual({ state: "not_found" });
  });

  it("refunds: success, the same out-id again, a refusal, and a timeout that throws", async () => {
    const order = await pendingOrder(8000);
    await create(order.orderNo, order.cashFen);
    fake.pay(order.orderNo);
    const req = { outRefundNo: `RF${order.orderNo}1`, orderNo: order.orderNo, paymentRef: null, refundFen: 8000, totalFen: 8000 };
    const first = await wechat.refund(req);
    expect(first).toMatchObject({ state: "succeeded", providerRef: expect.any(String) });
    expect(await wechat.refund(req)).toEqual(first);
    expect(await wechat.queryRefund(req)).toEqual(first);
    expect(fake.refunds.size).toBeGreaterThan(0);

    const refused = await wechat.refund({ ...req, outRefundNo: `RF${order.orderNo}2`, refundFen: 9000 });
    expect(refused).toMatchObject({ state: "failed", reason: expect.stringContaining("PARAM_ERROR") });

    fake.failNext("timeout");
    await expect(wechat.refund({ ...req, outRefundNo: `RF${order.orderNo}3` })).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it("transfers: success, the same out-id again, and a failure with its reason", async () => {
    const ok = { outBillNo: `WD${Date.now()}`, amountFen: 1500, account: { kind: "wechat", openid: "o-abc" } as const, remark: "Freeline" };
    const first = await wechat.transfer(ok);
    expect(first).toMatchObject({ state: "succeeded" });
    expect(await wechat.transfer(ok)).toEqual(first);
    expect(await wechat.queryTransfer(ok)).toEqual(first);
    fake.transferOutcome = { state: "FAIL", reason: "PAYEE_ACCOUNT_ABNORMAL" };
    expect(await wechat.transfer({ ...ok, outBillNo: `WD${Date.now()}x` })).toMatchObject({ state: "failed", reason: "PAYEE_ACCOUNT_ABNORMAL" });
    fake.transferOutcome = { state: "SUCCESS" };
    expect(await wechat.transfer({ ...ok, account: { kind: "alipay", account: "a@b.c", realName: "X" } })).toMatchObject({ state: "failed" });
  });

  describe("expiry and cancelling", () => {
    const lookup = (id: string) => (id === "wechat" ? wechat : paymentProvider(id));
    const backdate = (orderNo: string) => db.execute(sql`update orders set created_at = now() - interval '1 hour' where order_no = ${orderNo}`);

    it("an order not paid in time is closed at WeChat, then expired; a late success notification still pays it in full", async () => {
      const order = await pendingOrder(6_600);
      await create(order.orderNo, order.cashFen);
      await backdate(order.orderNo);
      await expirePendingOrders({ lookup });
      expect(fake.trades.get(order.orderNo)?.state).toBe("CLOSED");
      expect(await orderRow(order.orderNo)).toMatchObject({ status: "expired", postings: 0 });
      // The money was taken after all (a payment the close raced with): it is paid, never lost.
      fake.trades.get(order.orderNo)!.state = "SUCCESS";
      const n = fake.notification(order.orderNo);
      const { reply, paid } = await acceptNotification(wechat, n.body, n.headers);
      expect([reply.status, paid?.applied]).toEqual([204, true]);
      expect(await orderRow(order.orderNo)).toMatchObject({ status: "paid", postings: 1 });
      await expectLedgerClean();
    });

    it("a trade paid just before expiry is paid, not expired", async () => {
      const order = await pendingOrder();
      await create(order.orderNo, order.cashFen);
      fake.pay(order.orderNo);
      await backdate(order.orderNo);
      await expirePendingOrders({ lookup });
      expect(await orderRow(order.orderNo)).toMatchObject({ status: "paid", postings: 1 });
      await expectLedgerClean();
    });

    it("when WeChat does not answer the close, the order stays pending for the next run", async () => {
      const order = await pendingOrder();
      await create(order.orderNo, order.cashFen);
      await backdate(order.orderNo);
      fake.failNext("5xx", 50);
      const run = await expirePendingOrders({ lookup });
      fake.clearFaults();
      expect(run.unavailable).toBeGreaterThan(0);
      expect((await orderRow(order.orderNo)).status).toBe("pending");
      await expirePendingOrders({ lookup });
      expect((await orderRow(order.orderNo)).status).toBe("expired");
    });

    it("the customer cancels a pending order: closed at WeChat, then cancelled; a late payment still pays it", async () => {
      const order = await pendingOrder();
      await create(order.orderNo, order.cashFen);
      expect(await cancelPendingOrder(order.customerId, order.orderNo, lookup)).toEqual({ status: "cancelled" });
      expect(fake.trades.get(order.orderNo)?.state).toBe("CLOSED");
      await expect(cancelPendingOrder(order.customerId, order.orderNo, lookup)).rejects.toMatchObject({ code: "conflict" });
      await expect(cancelPendingOrder(order.customerId + 1_000_000, order.orderNo, lookup)).rejects.toMatchObject({ code: "not_found" });
      fake.trades.get(order.orderNo)!.state = "SUCCESS";
      const n = fake.notification(order.orderNo);
      expect((await acceptNotification(wechat, n.body, n.headers)).paid?.applied).toBe(true);
      await expectLedgerClean();
    });

    it("cancelling an order the customer has just paid pays it instead", async () => {
      const order = await pendingOrder();
      await create(order.orderNo, order.cashFen);
      fake.pay(order.orderNo);
      expect(await cancelPendingOrder(order.customerId, order.orderNo, lookup)).toEqual({ status: "paid" });
      expect(await orderRow(order.orderNo)).toMatchObject({ status: "paid", postings: 1 });
    });
  });
});
