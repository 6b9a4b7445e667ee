import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { DomainError } from "@/lib/errors";
import type { AlipayFake } from "@/lib/payments/alipay/fake-server";
import type { PaymentProvider } from "@/lib/payments/provider";
import type { WechatFake } from "@/lib/payments/wechat/fake-server";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import { startBothFakes } from "@/lib/testing/provider-fakes";
import { expectLedgerClean } from "@/lib/testing/verify";
import { createPendingOrder } from "./create";
import { expirePendingOrders } from "./expire-pending";
import { acceptNotification } from "./notification";
import { startPayment } from "./payment";
import { queryPendingPayments } from "./query-pending";

// The platform turns WeChat Pay off (PAYMENT_DISABLED) while orders wait to be paid with it, then on
// again. Turning a provider off only takes it out of new checkouts (`offered`): its pending orders
// are still asked about, closed, and paid by its notifications; and an order that left it for
// Alipay is not sent back to a payment WeChat Pay has closed. Both through their SDKs and fakes.

let fakes: Awaited<ReturnType<typeof startBothFakes>>;
let wechatFake: WechatFake;
let alipayFake: AlipayFake;
let wechat: PaymentProvider;
let alipay: PaymentProvider;
const lookup = (id: string) => {
  if (id === "wechat") return wechat;
  if (id === "alipay") return alipay;
  throw new Error(`no provider ${id} in this test`);
};
const BOTH = ["wechat", "alipay"] as const;
const WECHAT_OFF = ["alipay"] as const;

beforeAll(async () => {
  fakes = await startBothFakes();
  ({ wechatFake, alipayFake, wechat, alipay } = fakes);
});

afterAll(async () => {
  await fakes?.stop();
  await expectLedgerClean();
});

const start = (customerId: number, orderNo: string, providerId: string, offered: readonly string[]) =>
  startPayment({ customerId, orderNo, providerId, device: "phone", clientIp: "203.0.113.7", offered, lookup });

/** A pending order opened at WeChat Pay's H5 page while WeChat Pay was on, `minutesAgo` old. */
async function wechatOrder(minutesAgo = 0) {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = await makeCustomer();
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen: 3_300, idempotencyKey: randomUUID(), provider: "wechat" }),
  );
  await start(customer, order.orderNo, "wechat", BOTH);
  if (minutesAgo > 0) await db.execute(sql`update orders set created_at = now() - make_interval(mins => ${minutesAgo}) where id = ${order.id}`);
  return { order, customer };
}

async function state(orderNo: string) {
  const res = await db.execute<{ status: string; provider: string; paid: number }>(sql`
    select o.status, o.provider,
           (select count(*)::int from ledger_transactions t where t.kind = 'order_paid' and t.order_id = o.id) as paid
    from orders o where o.order_no = ${orderNo}`);
  return res.rows[0]!;
}

describe("a provider turned off and on again while its orders wait", () => {
  it("while off: no new WeChat payment, but its pending orders are still asked about, closed, and paid by notifications", async () => {
    const silent = await wechatOrder(5); // paid at WeChat, every notification lost
    wechatFake.pay(silent.order.orderNo);
    const notified = await wechatOrder(1); // paid at WeChat, its notification arrives while WeChat Pay is off
    wechatFake.pay(notified.order.orderNo);
    const unpaid = await wechatOrder(20); // never paid: the expiry closes it at WeChat

    // WeChat Pay is turned off: a customer can no longer start a WeChat payment.
    await expect(start(unpaid.customer, unpaid.order.orderNo, "wechat", WECHAT_OFF)).rejects.toMatchObject({ code: "not_allowed", message: "payment.providerOff" });

    const asked = await queryPendingPayments({ lookup });
    expect(asked.paid).toBeGreaterThanOrEqual(1);
    expect(await state(silent.order.orderNo)).toMatchObject({ status: "paid", provider: "wechat", paid: 1 });

    const n = wechatFake.notification(notified.order.orderNo);
    const accepted = await acceptNotification(wechat, n.body, n.headers);
    expect(accepted.paid?.applied).toBe(true);
    expect(await state(notified.order.orderNo)).toMatchObject({ status: "paid", paid: 1 });

    await expirePendingOrders({ lookup });
    expect(await state(unpaid.order.orderNo)).toMatchObject({ status: "expired", paid: 0 });
    expect(wechatFake.trades.get(unpaid.order.orderNo)!.state).toBe("CLOSED");
    await expectLedgerClean();
  });

  it("A → B → A: an order moved to Alipay while WeChat Pay was off is not sent back to its closed WeChat payment; Alipay still pays it", async () => {
    const { order, customer } = await wechatOrder();
    // Off: the customer pays with Alipay instead, which closes the WeChat payment first.
    const ali = await start(customer, order.orderNo, "alipay", WECHAT_OFF);
    expect(ali).toMatchObject({ action: { kind: "redirect" }, paid: null });
    expect(wechatFake.trades.get(order.orderNo)!.state).toBe("CLOSED");
    expect(await state(order.orderNo)).toMatchObject({ status: "pending", provider: "alipay" });

    // On again: going back to WeChat Pay is refused with a clear message (a closed payment is never
    // reopened under the same order number), and the order stays with Alipay, its payment open.
    const back = start(customer, order.orderNo, "wechat", BOTH);
    await expect(back).rejects.toBeInstanceOf(DomainError);
    await expect(back).rejects.toMatchObject({ code: "conflict", message: "payment.providerClosed" });
    expect(await state(order.orderNo)).toMatchObject({ status: "pending", provider: "alipay" });
    if (ali.action.kind !== "redirect") throw new Error("expected Alipay's address");
    alipayFake.open(ali.action.url);
    expect(alipayFake.trades.get(order.orderNo)!.status).toBe("WAIT_BUYER_PAY");

    alipayFake.pay(order.orderNo);
    const n = alipayFake.notification(order.orderNo, { amount: "33.00" });
    const accepted = await acceptNotification(alipay, n.body, n.headers);
    expect(accepted.paid?.applied).toBe(true);
    expect(await state(order.orderNo)).toMatchObject({ status: "paid", provider: "alipay", paid: 1 });
    await expectLedgerClean();
  });

  it("A → B → A where the customer had paid at A after all: going back applies that payment, once", async () => {
    const { order, customer } = await wechatOrder();
    await start(customer, order.orderNo, "alipay", BOTH);
    // The WeChat payment closed, but the provider took the money in the same moment (the close lost
    // the race): the order is paid from WeChat Pay's record when the customer comes back to it.
    wechatFake.trades.get(order.orderNo)!.state = "NOTPAY";
    wechatFake.pay(order.orderNo);
    const back = await start(customer, order.orderNo, "wechat", BOTH);
    expect(back.paid?.applied).toBe(true);
    expect(await state(order.orderNo)).toMatchObject({ status: "paid", provider: "wechat", paid: 1 });
    await expectLedgerClean();
  });
});
