import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { databaseUrl } from "@/lib/env";
import { platformAccounts, post, refundsPendingAccount } from "@/lib/ledger";
import { verifyLedger } from "@/lib/ledger/verify";
import { AlipayFake } from "@/lib/payments/alipay/fake-server";
import type { PaymentProvider } from "@/lib/payments/provider";
import { deleteAccount } from "@/lib/privacy/deletion";
import { WechatFake } from "@/lib/payments/wechat/fake-server";
import { balanceOf, makeCustomer, makeStore, placePaidOrder, releasePointsNow } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { taskList } from "@/lib/worker/tasks";
import { createPendingOrder } from "./create";
import { acceptNotification, applyPaymentEvent } from "./notification";
import { startPayment } from "./payment";
import { retryFailedRefund } from "./refund-provider";
import { alipayProviderFor, wechatProviderFor } from "@/lib/testing/provider-fakes";

// Money the provider took is never lost, and never kept twice (SPEC: Payments). A second payment of
// an order already paid (the customer switched provider and then paid the old page too), or a late
// payment for an expired order whose redeemed points were spent since, is recorded in the ledger and
// refunded in full through the refund outbox, in the notification's transaction. Both providers run
// through their real SDKs against the local fakes.

let wechatFake: WechatFake;
let alipayFake: AlipayFake;
let wechat: PaymentProvider;
let alipay: PaymentProvider;

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

const providers = () => new Map([["wechat", wechat], ["alipay", alipay]]);
const quiet = new Logger(() => () => {});
/** Runs every due job once with the real task list and the real providers, as `npm run worker` would. */
const runWorker = () => runOnce({ connectionString: databaseUrl(), logger: quiet, taskList: taskList({ providerFor: (id) => providers().get(id)! }) });

const payment = (orderNo: string, amountFen: number, device: "phone" = "phone") => ({
  orderNo,
  amountFen,
  description: "Test store",
  device,
  clientIp: "203.0.113.7",
  returnUrl: `https://shop.example.com/pay/${orderNo}`,
  expiresAt: new Date(Date.now() + 15 * 60_000),
});

async function pendingOrder(opts: { customer?: number; amountFen?: number; pointsUsed?: number; provider?: string } = {}) {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = opts.customer ?? (await makeCustomer());
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, {
      customerId: customer,
      merchantId: store.id,
      amountFen: opts.amountFen ?? 10_000,
      pointsUsed: opts.pointsUsed ?? 0,
      idempotencyKey: randomUUID(),
      provider: opts.provider ?? "alipay",
    }),
  );
  return { order, customer };
}

/** Opens Alipay's wap page for the order, as the customer's browser would (Alipay makes the trade then). */
async function openAlipay(orderNo: string, amountFen: number) {
  const action = await alipay.createPayment(payment(orderNo, amountFen));
  if (action.kind !== "redirect") throw new Error(`expected a redirect, got ${action.kind}`);
  alipayFake.open(action.url);
}

async function state(orderNo: string) {
  const res = await db.execute<{ status: string; provider: string; provider_ref: string | null; paid: number; returned: number; returned_fen: number }>(sql`
    select o.status, o.provider, o.provider_ref,
           (select count(*)::int from ledger_transactions t where t.kind = 'order_paid' and t.order_id = o.id) as paid,
           (select count(*)::int from ledger_transactions t where t.kind = 'payment_returned' and t.order_id = o.id) as returned,
           (select coalesce(sum(e.amount), 0)::int from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
              join accounts a on a.id = e.account_id
              where t.kind = 'payment_returned' and t.order_id = o.id and a.kind = 'refunds_pending') as returned_fen
    from orders o where o.order_no = ${orderNo}`);
  return res.rows[0]!;
}

async function returns(orderNo: string) {
  const res = await db.execute<{ provider: string; returned_payment_ref: string; return_cause: string; out_refund_no: string; amount_fen: number; status: string; jobs: number }>(sql`
    select r.provider, r.returned_payment_ref, r.return_cause, r.out_refund_no, r.amount_fen::int, r.status,
           (select count(*)::int from graphile_worker.jobs j where j.key = 'refund:' || r.out_refund_no) as jobs
    from payment_refunds r join orders o on o.id = r.order_id
    where o.order_no = ${orderNo} and r.returned_payment_ref is not null order by r.id`);
  return res.rows;
}

describe("switching provider", () => {
  const start = (customerId: number, orderNo: string, providerId: string) =>
    startPayment({ customerId, orderNo, providerId, device: "phone", clientIp: "203.0.113.7", offered: ["wechat", "alipay"], lookup: (id) => providers().get(id)! });

  it("closes the earlier provider's payment (no transaction open) before starting the next", async () => {
    const { order, customer } = await pendingOrder({ amountFen: 4_200 });
    expect((await start(customer, order.orderNo, "alipay")).action.kind).toBe("redirect");
    await openAlipay(order.orderNo, order.cashFen);
    expect(alipayFake.trades.get(order.orderNo)!.status).toBe("WAIT_BUYER_PAY");

    const wx = await start(customer, order.orderNo, "wechat");
    expect(wx).toMatchObject({ action: { kind: "redirect" }, paid: null });
    expect(alipayFake.trades.get(order.orderNo)!.status).toBe("TRADE_CLOSED");
    expect(wechatFake.trades.get(order.orderNo)!.state).toBe("NOTPAY");
    expect(await state(order.orderNo)).toMatchObject({ status: "pending", provider: "wechat" });
  });

  it("applies a payment the earlier provider took before the close, instead of starting another", async () => {
    const { order, customer } = await pendingOrder({ amountFen: 4_300 });
    await start(customer, order.orderNo, "alipay");
    await openAlipay(order.orderNo, order.cashFen);
    const trade = alipayFake.pay(order.orderNo);
    const switched = await start(customer, order.orderNo, "wechat");
    expect(switched.paid).toMatchObject({ applied: true });
    expect(wechatFake.trades.has(order.orderNo)).toBe(false);
    expect(await state(order.orderNo)).toMatchObject({ status: "paid", provider: "alipay", provider_ref: trade.tradeNo, paid: 1 });
    await expectLedgerClean();
  });
});

describe("a second payment of an order already paid", () => {
  it("switching provider and paying both pages: one pays the order, the other is recorded and refunded in full, once", async () => {
    const { order, customer } = await pendingOrder({ amountFen: 8_800 });
    await openAlipay(order.orderNo, order.cashFen);
    // The customer switches to WeChat Pay; the Alipay page stays open in another tab.
    await wechat.createPayment(payment(order.orderNo, order.cashFen));
    await db.execute(sql`update orders set provider = 'wechat' where id = ${order.id}`);
    const wx = wechatFake.pay(order.orderNo);
    const ali = alipayFake.pay(order.orderNo);

    // Both providers notify at once, each twice.
    const notes = [
      ...[1, 2].map(() => ({ p: wechat, n: wechatFake.notification(order.orderNo) })),
      ...[1, 2].map(() => ({ p: alipay, n: alipayFake.notification(order.orderNo) })),
    ];
    const replies = await Promise.all(notes.map(({ p, n }) => acceptNotification(p, n.body, n.headers)));
    expect(replies.map((r) => r.reply.ok)).toEqual([true, true, true, true]);
    expect(replies.filter((r) => r.paid?.applied)).toHaveLength(1);

    const s = await state(order.orderNo);
    expect(s).toMatchObject({ status: "paid", paid: 1, returned: 1, returned_fen: 8_800 });
    const other = s.provider === "wechat" ? { provider: "alipay", ref: ali.tradeNo } : { provider: "wechat", ref: wx.transactionId };
    expect(s.provider_ref).toBe(s.provider === "wechat" ? wx.transactionId : ali.tradeNo);
    const [r, ...more] = await returns(order.orderNo);
    expect(more).toEqual([]);
    expect(r).toMatchObject({ provider: other.provider, returned_payment_ref: other.ref, return_cause: "duplicate", amount_fen: 8_800, status: "pending", jobs: 1 });
    expect(r!.out_refund_no).toMatch(/^RT[A-Z0-9]{16}0101$/);
    expect(await balanceOf({ userId: customer }, "refunds_pending")).toBe(8_800);
    await expectLedgerClean();

    // The same payments notified again, and the query path: nothing new.
    for (const { p, n } of notes) expect((await acceptNotification(p, n.body, n.headers)).reply.ok).toBe(true);
    expect(await returns(order.orderNo)).toHaveLength(1);

    // After commit the job asks the duplicate's provider for the refund, by its stable out-id.
    await runWorker();
    const [done] = await returns(order.orderNo);
    expect(done).toMatchObject({ status: "succeeded", out_refund_no: r!.out_refund_no });
    if (other.provider === "alipay") expect(ali.refunded.get(r!.out_refund_no)).toBe("88.00");
    else expect(wechatFake.refunds.get(r!.out_refund_no)).toMatchObject({ orderNo: order.orderNo, refundFen: 8_800 });
    expect(await balanceOf({ userId: customer }, "refunds_pending")).toBe(0);
    expect(await state(order.orderNo)).toMatchObject({ status: "paid", paid: 1, returned: 1 });
    await expectLedgerClean();
  });

  it("another reference from the same provider is a second payment too; the same reference stays a no-op", async () => {
    const { order } = await pendingOrder({ amountFen: 1_234, provider: "wechat" });
    const event = (ref: string) => ({ type: "payment.succeeded" as const, eventId: randomUUID(), orderNo: order.orderNo, amountFen: 1_234, providerRef: ref });
    const results = await Promise.all([applyPaymentEvent("wechat", event("4200A")), applyPaymentEvent("wechat", event("4200A")), applyPaymentEvent("wechat", event("4200B"))]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    const s = await state(order.orderNo);
    expect(s).toMatchObject({ paid: 1, returned: 1, returned_fen: 1_234 });
    const [r] = await returns(order.orderNo);
    expect(r!.returned_payment_ref).toBe(s.provider_ref === "4200A" ? "4200B" : "4200A");
    await applyPaymentEvent("wechat", event("4200A"));
    await applyPaymentEvent("wechat", event("4200B"));
    expect(await returns(order.orderNo)).toHaveLength(1);
    expect(await state(order.orderNo)).toMatchObject({ paid: 1, returned: 1 });
    await expectLedgerClean();
  });

  it("an order paid through one provider and paid again through the other returns the second payment", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const paid = await placePaidOrder(customer, store.id, 3_000);
    await db.execute(sql`update orders set provider = 'wechat' where id = ${paid.orderId}`);
    const second = await applyPaymentEvent("alipay", { type: "payment.succeeded", eventId: "e", orderNo: paid.orderNo, amountFen: 3_000, providerRef: "2026ALI" });
    expect(second.applied).toBe(false);
    expect(await returns(paid.orderNo)).toMatchObject([{ provider: "alipay", returned_payment_ref: "2026ALI", return_cause: "duplicate", amount_fen: 3_000 }]);
    await expectLedgerClean();
  });
});

describe("a returned payment the provider refuses to refund", () => {
  it("stays owed to the customer with the reason; an operator's retry asks again under the next out-id", async () => {
    const { order } = await pendingOrder({ amountFen: 2_500, provider: "wechat" });
    await wechat.createPayment(payment(order.orderNo, order.cashFen));
    wechatFake.pay(order.orderNo);
    const n = wechatFake.notification(order.orderNo);
    expect((await acceptNotification(wechat, n.body, n.headers)).paid?.applied).toBe(true);
    await applyPaymentEvent("wechat", { type: "payment.succeeded", eventId: "dup", orderNo: order.orderNo, amountFen: 2_500, providerRef: "4200SECOND" });
    const [r] = await returns(order.orderNo);

    wechatFake.refundOutcome = "ABNORMAL";
    try {
      await runWorker();
    } finally {
      wechatFake.refundOutcome = "SUCCESS";
    }
    expect((await returns(order.orderNo))[0]).toMatchObject({ status: "failed", out_refund_no: r!.out_refund_no });
    await expectLedgerClean();

    const operator = await makeCustomer("operator");
    const retried = await inTransaction((tx) => retryFailedRefund(tx, { orderId: order.id, actorUserId: operator }));
    expect(retried.outRefundNo).toBe(`${r!.out_refund_no.slice(0, -2)}02`);
    await runWorker();
    expect((await returns(order.orderNo))[0]).toMatchObject({ status: "succeeded", out_refund_no: retried.outRefundNo });
    expect(await state(order.orderNo)).toMatchObject({ status: "paid", paid: 1, returned: 1 });
    await expectLedgerClean();
  });
});

describe("a late payment for an expired order that redeemed points", () => {
  async function customerWithPoints(points: number) {
    const customer = await makeCustomer();
    const earn = await makeStore({ payoutMode: "manual" });
    for (let i = 0; i < Math.ceil(points / 500); i++) await placePaidOrder(customer, earn.id, 10_000);
    await releasePointsNow(customer, points);
    return customer;
  }

  async function expiredWithPoints(customer: number, pointsUsed: number) {
    const { order } = await pendingOrder({ customer, amountFen: 2_000, pointsUsed, provider: "wechat" });
    await wechat.createPayment(payment(order.orderNo, order.cashFen));
    await db.execute(sql`update orders set status = 'expired', closed_at = now() where id = ${order.id}`);
    return order;
  }

  it("two expired orders wanting the same points, paid late at once: one is paid in full, the other's cash is returned and it stays expired", async () => {
    const customer = await customerWithPoints(300);
    const a = await expiredWithPoints(customer, 300);
    const b = await expiredWithPoints(customer, 300);
    const notes = [a, b].flatMap((o) => {
      wechatFake.pay(o.orderNo);
      const n = wechatFake.notification(o.orderNo);
      return [n, n]; // each delivered twice, all four at once
    });
    const replies = await Promise.all(notes.map((n) => acceptNotification(wechat, n.body, n.headers)));
    expect(replies.map((r) => r.reply.ok)).toEqual([true, true, true, true]);

    const states = await Promise.all([a, b].map((o) => state(o.orderNo)));
    const paidOne = states.findIndex((s) => s.status === "paid");
    expect(paidOne).toBeGreaterThanOrEqual(0);
    const lost = [a, b][1 - paidOne]!;
    expect(states[paidOne]).toMatchObject({ paid: 1, returned: 0 });
    expect(states[1 - paidOne]).toMatchObject({ status: "expired", paid: 0, returned: 1, returned_fen: 1_700 });
    const [r, ...more] = await returns(lost.orderNo);
    expect(more).toEqual([]);
    expect(r).toMatchObject({ provider: "wechat", return_cause: "points_gone", amount_fen: 1_700, status: "pending", jobs: 1 });
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(0);
    await expectLedgerClean();

    await runWorker();
    expect((await returns(lost.orderNo))[0]).toMatchObject({ status: "succeeded" });
    expect(wechatFake.refunds.get(r!.out_refund_no)).toMatchObject({ refundFen: 1_700 });
    // The provider retrying the notification later changes nothing.
    const again = wechatFake.notification(lost.orderNo);
    expect((await acceptNotification(wechat, again.body, again.headers)).reply.ok).toBe(true);
    expect(await returns(lost.orderNo)).toHaveLength(1);
    expect(await state(lost.orderNo)).toMatchObject({ status: "expired", paid: 0, returned: 1 });
    await expectLedgerClean();
  });

  it("while the points are still there, a late payment pays the expired order in full as before", async () => {
    const customer = await customerWithPoints(200);
    const o = await expiredWithPoints(customer, 200);
    wechatFake.pay(o.orderNo);
    const n = wechatFake.notification(o.orderNo);
    const [first, second] = await Promise.all([acceptNotification(wechat, n.body, n.headers), acceptNotification(wechat, n.body, n.headers)]);
    expect([first.paid?.applied, second.paid?.applied].sort()).toEqual([false, true]);
    expect(await state(o.orderNo)).toMatchObject({ status: "paid", paid: 1, returned: 0 });
    expect(await returns(o.orderNo)).toEqual([]);
    expect(await balanceOf({ userId: customer }, "points_available")).toBe(0);
    await expectLedgerClean();
  });
});

describe("a late payment for a closed order of a deleted account", () => {
  it("is returned in full, once, and the order stays closed with no entry under the anonymous owner", async () => {
    const { order, customer } = await pendingOrder({ amountFen: 2_000, provider: "wechat" });
    await wechat.createPayment(payment(order.orderNo, order.cashFen));
    await db.execute(sql`update orders set status = 'expired', closed_at = now() where id = ${order.id}`);
    await inTransaction((tx) => deleteAccount(tx, customer));

    wechatFake.pay(order.orderNo);
    const n = wechatFake.notification(order.orderNo);
    const replies = await Promise.all([n, n].map((x) => acceptNotification(wechat, x.body, x.headers)));
    expect(replies.map((r) => r.reply.ok)).toEqual([true, true]);
    expect(await state(order.orderNo)).toMatchObject({ status: "expired", paid: 0, returned: 1, returned_fen: 2_000 });
    const [r, ...more] = await returns(order.orderNo);
    expect(more).toEqual([]);
    expect(r).toMatchObject({ provider: "wechat", return_cause: "account_deleted", amount_fen: 2_000, status: "pending", jobs: 1 });
    const entries = await db.execute<{ n: number }>(sql`select count(*)::int as n from queue_entries where order_id = ${order.id}`);
    expect(Number(entries.rows[0]!.n)).toBe(0);

    await runWorker();
    expect((await returns(order.orderNo))[0]).toMatchObject({ status: "succeeded" });
    expect(wechatFake.refunds.get(r!.out_refund_no)).toMatchObject({ refundFen: 2_000 });
    await expectLedgerClean();
  });
});

describe("ledger:verify on returned payments", () => {
  it("catches a returned payment with no posting, and one that returns the payment that paid the order", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const paid = await placePaidOrder(customer, store.id, 2_000);
    const found = async (change: ReturnType<typeof sql>) => {
      let examples: string[] = [];
      await inTransaction(async (tx) => {
        await tx.execute(change);
        examples = (await verifyLedger(tx)).find((r) => r.id === "I10")!.examples;
        throw new Error("roll back");
      }).catch((e: unknown) => {
        if (!(e instanceof Error) || e.message !== "roll back") throw e;
      });
      return examples.join("; ");
    };
    const unposted = await found(sql`
      insert into payment_refunds (order_id, provider, out_refund_no, amount_fen, returned_payment_ref, return_cause)
      values (${paid.orderId}, 'wechat', ${`RT${paid.orderNo}0101`}, 2000, 'never-posted', 'duplicate')`);
    expect(unposted).toMatch(/payment_returned postings of 0 for 1 returned payments of 2000/);
    const own = await found(sql`
      insert into payment_refunds (order_id, provider, out_refund_no, amount_fen, returned_payment_ref, return_cause, status, settled_at)
      select id, provider, ${`RT${paid.orderNo}0101`}, 0, provider_ref, 'duplicate', 'succeeded', now() from orders where id = ${paid.orderId}`);
    expect(own).toMatch(/returned the payment that paid it/);
    await expectLedgerClean();
  });

  it("catches cash put in a customer's refunds_pending by a posting of no order (no refund owes it)", async () => {
    const customer = await makeCustomer();
    let examples: string[] = [];
    await inTransaction(async (tx) => {
      const platform = await platformAccounts(tx);
      await post(tx, {
        kind: "payment_returned",
        legs: [
          { accountId: platform.world, asset: "CNY", amount: -1_500 },
          { accountId: await refundsPendingAccount(tx, customer), asset: "CNY", amount: 1_500 },
        ],
      });
      examples = (await verifyLedger(tx)).find((r) => r.id === "I10")!.examples;
      throw new Error("roll back");
    }).catch((e: unknown) => {
      if (!(e instanceof Error) || e.message !== "roll back") throw e;
    });
    expect(examples.join("; ")).toMatch(new RegExp(`user ${customer}: refunds_pending 1500 <> open refunds 0`));
    await expectLedgerClean();
  });
});
