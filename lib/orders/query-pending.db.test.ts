import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { paymentProvider } from "@/lib/payments";
import { AlipayFake } from "@/lib/payments/alipay/fake-server";
import type { PaymentProvider } from "@/lib/payments/provider";
import { WechatFake } from "@/lib/payments/wechat/fake-server";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { createPendingOrder } from "./create";
import { acceptNotification } from "./notification";
import { queryPendingPayments } from "./query-pending";
import { alipayProviderFor, wechatProviderFor } from "@/lib/testing/provider-fakes";

// A payment whose every notification was lost (and whose customer never came back to the pay page)
// is found by asking the provider a few minutes after checkout, long before the expiry. Both
// providers through their real SDKs against the local fakes.

let wechatFake: WechatFake;
let alipayFake: AlipayFake;
let wechat: PaymentProvider;
let alipay: PaymentProvider;
const lookup = (id: string) => (id === "wechat" ? wechat : id === "alipay" ? alipay : paymentProvider(id));

beforeAll(async () => {
  wechatFake = await new WechatFake().start();
  alipayFake = await new AlipayFake().start();
  wechat = wechatProviderFor(wechatFake, { transferSceneId: "1000" });
  alipay = alipayProviderFor(alipayFake);
});

afterAll(async () => {
  await wechatFake?.stop();
  await alipayFake?.stop();
  await expectLedgerClean();
});

/** A pending order `minutesAgo` old whose payment the customer made at the provider (unless `pay: false`); no notification is delivered. */
async function paidSilently(provider: "wechat" | "alipay", minutesAgo: number, amountFen = 4_200, opts: { pay?: boolean } = {}) {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = await makeCustomer();
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen, idempotencyKey: randomUUID(), provider }),
  );
  const action = await lookup(provider).createPayment({
    orderNo: order.orderNo,
    amountFen: order.cashFen,
    description: "Test store",
    device: "phone",
    clientIp: "203.0.113.7",
    returnUrl: `https://shop.example.com/pay/${order.orderNo}`,
    expiresAt: new Date(Date.now() + 15 * 60_000),
  });
  if (opts.pay === false) {
    // Left unpaid at the provider: a query answers "not paid".
  } else if (provider === "alipay") {
    if (action.kind !== "redirect") throw new Error(`expected a redirect, got ${action.kind}`);
    alipayFake.open(action.url);
    alipayFake.pay(order.orderNo);
  } else {
    wechatFake.pay(order.orderNo);
  }
  await db.execute(sql`update orders set created_at = now() - make_interval(mins => ${minutesAgo}) where id = ${order.id}`);
  return order;
}

async function orderRow(orderNo: string) {
  const res = await db.execute<{ status: string; provider_ref: string | null; postings: number }>(sql`
    select o.status, o.provider_ref,
           (select count(*)::int from ledger_transactions t where t.kind = 'order_paid' and t.order_id = o.id) as postings
    from orders o where o.order_no = ${orderNo}`);
  return res.rows[0]!;
}

describe("asking the providers about pending payments", () => {
  it("pays a payment whose notification was dropped, once, with two checks racing; the late notification then applies nothing", async () => {
    const viaWechat = await paidSilently("wechat", 5);
    const viaAlipay = await paidSilently("alipay", 5);
    const runs = await Promise.all([queryPendingPayments({ lookup }), queryPendingPayments({ lookup })]);

    expect(runs.reduce((n, r) => n + r.paid, 0)).toBe(2);
    expect(runs.map((r) => r.failed + r.unavailable)).toEqual([0, 0]);
    expect(await orderRow(viaWechat.orderNo)).toMatchObject({ status: "paid", postings: 1, provider_ref: wechatFake.trades.get(viaWechat.orderNo)!.transactionId });
    expect(await orderRow(viaAlipay.orderNo)).toMatchObject({ status: "paid", postings: 1 });

    // A third run, and the notification arriving at last, change nothing.
    expect((await queryPendingPayments({ lookup })).paid).toBe(0);
    const n = wechatFake.notification(viaWechat.orderNo);
    const { paid } = await acceptNotification(wechat, n.body, n.headers);
    expect(paid?.applied).toBe(false);
    expect(await orderRow(viaWechat.orderNo)).toMatchObject({ status: "paid", postings: 1 });
    await expectLedgerClean();
  });

  it("leaves fresh orders (the notification is likely on its way) and orders past the expiry (the expiry job's) alone", async () => {
    const fresh = await paidSilently("wechat", 1);
    const old = await paidSilently("alipay", 60);
    await queryPendingPayments({ lookup });
    expect(await orderRow(fresh.orderNo)).toMatchObject({ status: "pending", postings: 0 });
    expect(await orderRow(old.orderNo)).toMatchObject({ status: "pending", postings: 0 });
    // Tidy: both are paid now, as the next runs would.
    await queryPendingPayments({ lookup, olderThanMinutes: 0, expiryMinutes: 120 });
    expect(await orderRow(fresh.orderNo)).toMatchObject({ status: "paid", postings: 1 });
    expect(await orderRow(old.orderNo)).toMatchObject({ status: "paid", postings: 1 });
  });

  it("a provider that does not answer is not asked again in the run; its orders are paid by the next one", async () => {
    const first = await paidSilently("wechat", 6);
    const second = await paidSilently("wechat", 5);
    wechatFake.failNext("5xx", 1);
    const run = await queryPendingPayments({ lookup });
    expect(run.unavailable).toBeGreaterThanOrEqual(2);
    expect(await orderRow(first.orderNo)).toMatchObject({ status: "pending" });
    expect(await orderRow(second.orderNo)).toMatchObject({ status: "pending" });
    await queryPendingPayments({ lookup });
    expect(await orderRow(first.orderNo)).toMatchObject({ status: "paid", postings: 1 });
    expect(await orderRow(second.orderNo)).toMatchObject({ status: "paid", postings: 1 });
    await expectLedgerClean();
  });
});

describe("more pending orders than one run asks about", () => {
  it("goes round all of them in turn: the oldest are not asked again and again while a newer paid one waits", async () => {
    // Three older orders nobody paid, and a newer one paid with every notification lost; a run asks
    // about two. Without the "last asked" stamp every run would ask about the two oldest.
    const unpaid = [];
    for (const minutesAgo of [9, 8, 7]) unpaid.push(await paidSilently("wechat", minutesAgo, 1_000, { pay: false }));
    const paid = await paidSilently("wechat", 5);
    const first = await queryPendingPayments({ lookup, limit: 2 });
    expect(first).toMatchObject({ checked: 2, paid: 0 });
    const second = await queryPendingPayments({ lookup, limit: 2 });
    expect(second).toMatchObject({ checked: 2, paid: 1 });
    expect(await orderRow(paid.orderNo)).toMatchObject({ status: "paid", postings: 1 });
    // The third run comes back to the one the first run asked about first: every unpaid order was asked once.
    const asked = await db.execute<{ order_no: string; checked: boolean }>(sql`
      select order_no, payment_checked_at is not null as checked from orders where order_no in (${sql.join(unpaid.map((o) => sql`${o.orderNo}`), sql`, `)})`);
    expect(asked.rows.map((r) => r.checked)).toEqual([true, true, true]);
    // Out of the other tests' way: past the expiry window.
    await db.execute(sql`update orders set created_at = now() - interval '1 day' where order_no in (${sql.join(unpaid.map((o) => sql`${o.orderNo}`), sql`, `)})`);
    await expectLedgerClean();
  });
});
