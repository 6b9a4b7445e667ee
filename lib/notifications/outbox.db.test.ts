import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { changePassword } from "@/lib/auth/change-password";
import { hashPassword } from "@/lib/auth/password";
import { databaseUrl } from "@/lib/env";
import { refundOrder } from "@/lib/orders/refund";
import { settleRefund } from "@/lib/orders/refund-provider";
import { drainBatch, drainQueue } from "@/lib/queue/drain";
import { runDraw } from "@/lib/queue/draw";
import type { SmsMessage, SmsProvider } from "@/lib/sms";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { startPushReceiver, type PushReceiver } from "@/lib/testing/push-receiver";
import { expectLedgerClean } from "@/lib/testing/verify";
import { taskList } from "@/lib/worker/tasks";
import { deliverNotification, type DeliverDeps } from "./deliver";
import { listNotifications, markRead, unreadCount } from "./list";
import { notifyEntriesFreed, notifyWithdrawal } from "./notify";
import { savePushSubscription } from "./push";
import { channelSettings, saveChannelSettings } from "./settings";

afterAll(expectLedgerClean);

const quiet = new Logger(() => () => {});
const vapid = { ...webpush.generateVAPIDKeys(), subject: "mailto:ops@shop.example" };
let receiver: PushReceiver;
beforeAll(async () => {
  receiver = await startPushReceiver();
});
afterAll(() => receiver.close());

/** An SMS provider that records what it sends and can be told to time out a number of times. */
function recordingSms() {
  const sent: SmsMessage[] = [];
  let failures = 0;
  const provider: SmsProvider = {
    id: "dev",
    async send(m) {
      if (failures > 0) {
        failures--;
        throw new Error("gateway timed out");
      }
      sent.push(m);
      return { state: "sent", providerRef: `rec-${sent.length}` };
    },
  };
  return { sent, provider, failNext: (n: number) => (failures = n) };
}

/**
 * Runs one notification's delivery job through the real runner, as `npm run worker` would. Other
 * delivery jobs waiting in this database (earlier test files' drains) are put off a day first, so
 * the run is this job's alone.
 */
async function runDelivery(notificationId: number, deps: DeliverDeps): Promise<void> {
  await db.execute(sql`
    update graphile_worker._private_jobs set run_at = now() + interval '1 day'
    where key like 'notification:%' and key <> ${`notification:${notificationId}`} and locked_at is null`);
  await runOnce({ connectionString: databaseUrl(), logger: quiet, taskList: { "notification.deliver": taskList({ notifications: deps })["notification.deliver"] } });
}

let phoneSeq = 0;
/** A customer with a phone number of its own (the SMS channel needs one). */
async function customerWithPhone(): Promise<{ id: number; phone: string }> {
  const id = await makeCustomer();
  const phone = `139${String(Date.now() % 1e5).padStart(5, "0")}${String(phoneSeq++ % 1000).padStart(3, "0")}`;
  await db.execute(sql`update users set phone = ${phone} where id = ${id}`);
  return { id, phone };
}

const notificationsOf = async (userId: number) =>
  (await db.execute<{ id: number; kind: string; params: Record<string, unknown>; push_done_at: Date | null; sms_done_at: Date | null }>(
    sql`select id, kind, params, push_done_at, sms_done_at from notifications where user_id = ${userId} order by id`,
  )).rows;

const jobsFor = async (notificationId: number) =>
  Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs where key = ${`notification:${notificationId}`}`)).rows[0]!.n);

/** Delivery jobs whose notification does not exist: a rolled-back event must leave none. */
const orphanJobs = async () =>
  Number(
    (
      await db.execute<{ n: number }>(sql`
        select count(*)::int as n from graphile_worker.jobs j
        where j.key like 'notification:%'
          and not exists (select 1 from notifications n where n.id = substr(j.key, length('notification:') + 1)::bigint)`)
    ).rows[0]!.n,
  );

/** Each ¥10 order covers its own ¥1 target five times over: the pool frees entries as asked. */
const selfCovering = { payoutMode: "manual" as const, rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 1000, unitCapFen: 0, minOrderFen: 0 };

describe("the notification outbox on real Postgres", () => {
  it("a drain that rolls back leaves no notification and no delivery job", async () => {
    const store = await makeStore(selfCovering);
    const a = await customerWithPhone();
    await placePaidOrder(a.id, store.id, 1_000);
    await expect(
      inTransaction(async (tx) => {
        const r = await drainBatch(tx, store.queueId!);
        expect(r.paid).toBe(1);
        // Inside the transaction the notification exists…
        expect(Number((await tx.execute<{ n: number }>(sql`select count(*)::int as n from notifications where user_id = ${a.id}`)).rows[0]!.n)).toBe(1);
        throw new Error("the payout failed after the drain");
      }),
    ).rejects.toThrow("the payout failed");
    // …and after the rollback neither it nor its job does.
    expect(await notificationsOf(a.id)).toEqual([]);
    expect(await orphanJobs()).toBe(0);
  });

  it("a committed drain makes exactly one notification and one job; delivery sends one push and one SMS, even when the job is retried", async () => {
    const store = await makeStore(selfCovering);
    const a = await customerWithPhone();
    const paid = await placePaidOrder(a.id, store.id, 1_000);
    const sub = receiver.subscribe();
    await savePushSubscription(a.id, { ...sub, locale: "en" });

    const r = await drainQueue(store.queueId!);
    expect(r.paid).toBe(1);
    const [n, ...more] = await notificationsOf(a.id);
    expect(more).toEqual([]);
    expect(n).toMatchObject({ kind: "entry_freed", params: { orderNo: paid.orderNo, amountFen: 100, via: "fifo" }, push_done_at: null, sms_done_at: null });
    expect(await jobsFor(n!.id)).toBe(1);
    expect(await unreadCount(a.id)).toBe(1);

    // First run: the push goes out, the SMS gateway times out, so the job fails and waits for a retry.
    const sms = recordingSms();
    sms.failNext(1);
    const pushesBefore = receiver.received.length;
    await runDelivery(n!.id, { vapid, sms: sms.provider });
    expect(receiver.received.length).toBe(pushesBefore + 1);
    const push = JSON.parse(receiver.received.at(-1)!.text) as { id: number; title: string; body: string };
    expect(push).toMatchObject({ id: n!.id, title: "Your entry was freed" });
    expect(push.body).toContain(paid.orderNo);
    expect(push.body).toContain("¥1.00");
    const afterFirst = (await notificationsOf(a.id))[0]!;
    expect(afterFirst.push_done_at).not.toBeNull();
    expect(afterFirst.sms_done_at).toBeNull();
    expect(await jobsFor(n!.id)).toBe(1);

    // The retry comes due: the SMS is sent once, the push is not sent again.
    await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where key = ${`notification:${n!.id}`}`);
    await runDelivery(n!.id, { vapid, sms: sms.provider });
    expect(sms.sent.filter((m) => m.phone === a.phone)).toEqual([{ phone: a.phone, template: "entry_freed", params: [paid.orderNo, "1.00"] }]);
    expect(receiver.received.length).toBe(pushesBefore + 1);
    expect(await jobsFor(n!.id)).toBe(0);

    // A job run once more (a duplicate, a crash after the last mark) sends nothing.
    expect(await deliverNotification(n!.id, { vapid, sms: sms.provider })).toEqual({ push: "done_before", sms: "done_before" });
    expect(sms.sent.filter((m) => m.phone === a.phone)).toHaveLength(1);
    expect(receiver.received.length).toBe(pushesBefore + 1);

    // The same payout told twice is still one notification.
    const payoutTx = Number((await db.execute<{ id: number }>(sql`select transaction_id as id from payouts where customer_id = ${a.id}`)).rows[0]!.id);
    expect(await inTransaction((tx) => notifyEntriesFreed(tx, payoutTx))).toBe(0);
    expect(await notificationsOf(a.id)).toHaveLength(1);

    // Read: the list and the count agree, and only the owner's rows change.
    const other = await makeCustomer();
    expect(await markRead(other, { ids: [n!.id] })).toBe(0);
    expect(await markRead(a.id, { ids: [n!.id] })).toBe(1);
    expect(await unreadCount(a.id)).toBe(0);
    expect((await listNotifications(a.id)).items).toMatchObject([{ id: n!.id, kind: "entry_freed", read: true }]);
    await expectLedgerClean();
  });

  it("a channel turned off is skipped; security messages ignore the settings and cannot be muted", async () => {
    const a = await customerWithPhone();
    const sub = receiver.subscribe();
    await savePushSubscription(a.id, { ...sub, locale: "zh-CN" });
    // Everything off but push for refunds (the form posts the channels left on).
    await saveChannelSettings(a.id, [{ kind: "refund_done", channel: "push" }]);
    const s = await channelSettings(a.id);
    expect(s.entry_freed).toEqual({ push: false, sms: false });
    expect(s.refund_done).toEqual({ push: true, sms: false });
    expect(s.security).toEqual({ push: true, sms: true });
    await expect(db.execute(sql`insert into notification_mutes (user_id, kind, channel) values (${a.id}, 'security', 'sms')`)).rejects.toThrow();

    const store = await makeStore(selfCovering);
    await placePaidOrder(a.id, store.id, 1_000);
    await drainQueue(store.queueId!);
    const freed = (await notificationsOf(a.id))[0]!;
    const sms = recordingSms();
    expect(await deliverNotification(freed.id, { vapid, sms: sms.provider })).toEqual({ push: "muted", sms: "muted" });

    // A password change tells the customer by every channel, muted or not.
    await db.execute(sql`update users set password_hash = ${await hashPassword("old-password-2026")} where id = ${a.id}`);
    await changePassword(db, a.id, "old-password-2026", "a-new-password-2026");
    const security = (await notificationsOf(a.id)).find((x) => x.kind === "security")!;
    const before = receiver.received.length;
    expect(await deliverNotification(security.id, { vapid, sms: sms.provider })).toEqual({ push: "sent", sms: "sent" });
    expect(JSON.parse(receiver.received.at(-1)!.text)).toMatchObject({ title: "账户安全提醒" });
    expect(receiver.received.length).toBe(before + 1);
    expect(sms.sent).toEqual([{ phone: a.phone, template: "security", params: [] }]);
  });

  it("a subscription the push service calls gone (410) is deleted; a 5xx keeps it and fails the job for a retry", async () => {
    const a = await customerWithPhone();
    const gone = receiver.subscribe();
    const flaky = receiver.subscribe();
    await savePushSubscription(a.id, { ...gone, locale: "en" });
    await savePushSubscription(a.id, { ...flaky, locale: "en" });
    receiver.answer(new URL(gone.endpoint).pathname, 410);
    receiver.answer(new URL(flaky.endpoint).pathname, 503);
    const id = await inTransaction((tx) => notifyWithdrawal(tx, { userId: a.id, withdrawalId: 900_000 + a.id, outcome: "paid", amountFen: 5_000 }));
    const sms = recordingSms();
    await expect(deliverNotification(id!, { vapid, sms: sms.provider })).rejects.toThrow(/503/);
    const subs = await db.execute<{ endpoint: string }>(sql`select endpoint from push_subscriptions where user_id = ${a.id}`);
    expect(subs.rows.map((r) => r.endpoint)).toEqual([flaky.endpoint]);
    // The SMS channel was not held up by the push failure, and is not sent again on the retry.
    expect(sms.sent).toEqual([{ phone: a.phone, template: "withdrawal_paid", params: ["50.00"] }]);
    receiver.answer(new URL(flaky.endpoint).pathname, 201);
    expect(await deliverNotification(id!, { vapid, sms: sms.provider })).toEqual({ push: "sent", sms: "done_before" });
    expect(sms.sent).toHaveLength(1);
    // The same withdrawal told again: no second notification.
    expect(await inTransaction((tx) => notifyWithdrawal(tx, { userId: a.id, withdrawalId: 900_000 + a.id, outcome: "paid", amountFen: 5_000 }))).toBeNull();
  });

  it("a lucky draw and a confirmed refund tell their customers too", async () => {
    const store = await makeStore(selfCovering);
    const a = await customerWithPhone();
    const operator = await makeCustomer("operator");
    const order = await placePaidOrder(a.id, store.id, 1_000);
    await inTransaction((tx) => runDraw(tx, { queueId: store.queueId!, operatorId: operator }));
    expect(await notificationsOf(a.id)).toMatchObject([{ kind: "entry_freed", params: { orderNo: order.orderNo, via: "draw" } }]);

    const b = await customerWithPhone();
    const other = await makeStore({ payoutMode: "manual" });
    const paid = await placePaidOrder(b.id, other.id, 10_000);
    const r = await inTransaction((tx) => refundOrder(tx, { orderId: paid.orderId, actor: { userId: operator, role: "operator" }, reason: "通知测试" }));
    expect(await notificationsOf(b.id)).toEqual([]); // not until the provider confirms it
    await inTransaction((tx) => settleRefund(tx, r.outRefundNo, { state: "succeeded", providerRef: "fake-refund" }));
    await inTransaction((tx) => settleRefund(tx, r.outRefundNo, { state: "succeeded", providerRef: "fake-refund" }));
    expect(await notificationsOf(b.id)).toMatchObject([{ kind: "refund_done", params: { orderNo: paid.orderNo, amountFen: 10_000 } }]);
    await expectLedgerClean();
  });
});
