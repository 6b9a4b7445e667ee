import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { databaseUrl } from "@/lib/env";
import { paymentProvider, type PaymentProvider } from "@/lib/payments";
import type { MoneyOutResult } from "@/lib/payments/provider";
import { balanceOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { taskList } from "@/lib/worker/tasks";
import { refundOrder } from "./refund";
import { RefundStillProcessing, retryFailedRefund, sendRefund } from "./refund-provider";

afterAll(expectLedgerClean);

type Call = { method: "refund" | "queryRefund"; outRefundNo: string };

/** A provider that records every money-out call and answers from a script (default: succeeded). */
function recordingProvider(answers: Array<MoneyOutResult | Error> = []) {
  const calls: Call[] = [];
  const next = async (c: Call): Promise<MoneyOutResult> => {
    calls.push(c);
    const a = answers.shift() ?? { state: "succeeded", providerRef: `fake_${c.outRefundNo}` };
    if (a instanceof Error) throw a;
    return a;
  };
  const provider: PaymentProvider = {
    ...paymentProvider("dev"),
    refund: (req) => next({ method: "refund", outRefundNo: req.outRefundNo }),
    queryRefund: (req) => next({ method: "queryRefund", outRefundNo: req.outRefundNo }),
  };
  return { calls, providerFor: () => provider };
}

const quiet = new Logger(() => () => {});

/**
 * Runs every due refund job once with the real task, as `npm run worker` would. Only that task: the
 * drains other test files leave queued are theirs to run (or leave, as the sweep's tests do).
 */
const runWorker = (providerFor: () => PaymentProvider) =>
  runOnce({ connectionString: databaseUrl(), logger: quiet, taskList: { "refund.send": taskList({ providerFor })["refund.send"] } });

async function refundRow(orderId: number) {
  const res = await db.execute<{ id: number; status: string; out_refund_no: string; failure_reason: string | null; last_error: string | null; attempt: number }>(
    sql`select id, status, out_refund_no, failure_reason, last_error, attempt from payment_refunds where order_id = ${orderId}`,
  );
  return res.rows[0];
}

const jobsFor = async (outRefundNo: string) =>
  Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs where key = ${`refund:${outRefundNo}`}`)).rows[0]!.n);

const sentPostings = async (orderId: number) =>
  Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from ledger_transactions where order_id = ${orderId} and kind = 'refund_sent'`)).rows[0]!.n);

async function paidOrder() {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = await makeCustomer();
  const operator = await makeCustomer("operator");
  const paid = await placePaidOrder(customer, store.id, 10_000);
  return { ...paid, customer, operator };
}

const refund = (orderId: number, operator: number) =>
  inTransaction((tx) => refundOrder(tx, { orderId, actor: { userId: operator, role: "operator" }, reason: "出库测试" }));

describe("refunds through the outbox: the provider is called after commit, by a job, with one out-id", () => {
  it("a rolled-back refund leaves no row and no job, and the provider is never called", async () => {
    const o = await paidOrder();
    await expect(
      inTransaction(async (tx) => {
        await refundOrder(tx, { orderId: o.orderId, actor: { userId: o.operator, role: "operator" }, reason: "x" });
        throw new Error("the request failed after the refund");
      }),
    ).rejects.toThrow("the request failed");
    expect(await refundRow(o.orderId)).toBeUndefined();
    expect(await jobsFor(`RF${o.orderNo}01`)).toBe(0);
    const fake = recordingProvider();
    await runWorker(fake.providerFor);
    expect(fake.calls.filter((c) => c.outRefundNo.includes(o.orderNo))).toEqual([]);
    await expectLedgerClean();
  });

  it("a committed refund has exactly one job; the worker calls the provider once with the row's out-id and confirms it", async () => {
    const o = await paidOrder();
    const r = await refund(o.orderId, o.operator);
    expect(r.outRefundNo).toBe(`RF${o.orderNo}01`);
    expect(await jobsFor(r.outRefundNo)).toBe(1);
    expect(await balanceOf({ userId: o.customer }, "refunds_pending")).toBe(10_000);

    const fake = recordingProvider();
    await runWorker(fake.providerFor);
    expect(fake.calls).toEqual([{ method: "refund", outRefundNo: r.outRefundNo }]);
    expect(await refundRow(o.orderId)).toMatchObject({ status: "succeeded" });
    expect(await jobsFor(r.outRefundNo)).toBe(0); // done jobs are deleted
    expect(await sentPostings(o.orderId)).toBe(1);
    expect(await balanceOf({ userId: o.customer }, "refunds_pending")).toBe(0);

    // A repeated job for a settled refund calls nobody.
    await sendRefund({ refundId: (await refundRow(o.orderId))!.id, outRefundNo: r.outRefundNo }, fake.providerFor);
    expect(fake.calls).toHaveLength(1);
    await expectLedgerClean();
  });

  it("a crash after the provider's call: the retry asks again with the same out-id, and the refund is confirmed once", async () => {
    const o = await paidOrder();
    const r = await refund(o.orderId, o.operator);
    const row = (await refundRow(o.orderId))!;
    // The provider did the refund, but the answer never arrived (a timeout): the job throws.
    const fake = recordingProvider([new Error("socket hang up")]);
    await expect(sendRefund({ refundId: row.id, outRefundNo: r.outRefundNo }, fake.providerFor)).rejects.toThrow("socket hang up");
    expect(await refundRow(o.orderId)).toMatchObject({ status: "pending", last_error: "Error: socket hang up" });
    expect(await sentPostings(o.orderId)).toBe(0);
    expect(await sendRefund({ refundId: row.id, outRefundNo: r.outRefundNo }, fake.providerFor)).toBe("succeeded");
    expect(fake.calls.map((c) => c.outRefundNo)).toEqual([r.outRefundNo, r.outRefundNo]);
    expect(await refundRow(o.orderId)).toMatchObject({ status: "succeeded", last_error: null });
    expect(await sentPostings(o.orderId)).toBe(1);
    await expectLedgerClean();
  });

  it("two workers on one refund at once: one out-id, one confirmation, one posting", async () => {
    const o = await paidOrder();
    const r = await refund(o.orderId, o.operator);
    const row = (await refundRow(o.orderId))!;
    const fake = recordingProvider();
    const job = { refundId: row.id, outRefundNo: r.outRefundNo };
    const results = await Promise.all([sendRefund(job, fake.providerFor), sendRefund(job, fake.providerFor), sendRefund(job, fake.providerFor)]);
    expect(results.every((x) => x === "succeeded" || x === "skipped")).toBe(true);
    expect(new Set(fake.calls.map((c) => c.outRefundNo))).toEqual(new Set([r.outRefundNo]));
    expect(await sentPostings(o.orderId)).toBe(1);
    // Two runners draining the job table at once run the job once.
    const again = await paidOrder();
    const r2 = await refund(again.orderId, again.operator);
    const fake2 = recordingProvider();
    await Promise.all([runWorker(fake2.providerFor), runWorker(fake2.providerFor)]);
    expect(fake2.calls.filter((c) => c.outRefundNo === r2.outRefundNo)).toHaveLength(1);
    expect(await sentPostings(again.orderId)).toBe(1);
    await expectLedgerClean();
  });

  it("an accepted refund still processing is asked by query later, not requested again", async () => {
    const o = await paidOrder();
    const r = await refund(o.orderId, o.operator);
    const row = (await refundRow(o.orderId))!;
    const fake = recordingProvider([{ state: "processing", providerRef: "wx_rf_1" }]);
    const job = { refundId: row.id, outRefundNo: r.outRefundNo };
    await expect(sendRefund(job, fake.providerFor)).rejects.toBeInstanceOf(RefundStillProcessing);
    expect(await refundRow(o.orderId)).toMatchObject({ status: "pending" });
    expect(await sendRefund(job, fake.providerFor)).toBe("succeeded");
    expect(fake.calls).toEqual([
      { method: "refund", outRefundNo: r.outRefundNo },
      { method: "queryRefund", outRefundNo: r.outRefundNo },
    ]);
    await expectLedgerClean();
  });

  it("a refused refund stays owed to the customer with its reason; an operator's retry asks again under the next out-id", async () => {
    const o = await paidOrder();
    const r = await refund(o.orderId, o.operator);
    const fake = recordingProvider([{ state: "failed", reason: "ORDER_CLOSED: 订单已关闭" }]);
    await runWorker(fake.providerFor);
    expect(await refundRow(o.orderId)).toMatchObject({ status: "failed", failure_reason: "ORDER_CLOSED: 订单已关闭" });
    // The ledger is reversed; the cash is owed to the customer until it goes out.
    expect(await balanceOf({ userId: o.customer }, "refunds_pending")).toBe(10_000);
    expect(await sentPostings(o.orderId)).toBe(0);
    await expectLedgerClean();

    // Only an operator may retry, and only a failed refund.
    await expect(inTransaction((tx) => retryFailedRefund(tx, { orderId: o.orderId, actorUserId: o.customer }))).rejects.toMatchObject({ code: "forbidden" });
    const retried = await inTransaction((tx) => retryFailedRefund(tx, { orderId: o.orderId, actorUserId: o.operator }));
    expect(retried.outRefundNo).toBe(`RF${o.orderNo}02`);
    await expect(inTransaction((tx) => retryFailedRefund(tx, { orderId: o.orderId, actorUserId: o.operator }))).rejects.toMatchObject({
      code: "not_allowed",
      message: "refund.retryNotFailed",
    });
    await runWorker(fake.providerFor);
    expect(fake.calls.map((c) => c.outRefundNo)).toEqual([r.outRefundNo, retried.outRefundNo]);
    expect(await refundRow(o.orderId)).toMatchObject({ status: "succeeded", attempt: 2 });
    expect(await balanceOf({ userId: o.customer }, "refunds_pending")).toBe(0);
    const audit = await db.execute<{ action: string; reason: string }>(sql`
      select action, reason from audit_log where subject_type = 'order' and subject_id = ${o.orderNo} order by id`);
    expect(audit.rows).toEqual([
      { action: "order.refund", reason: "出库测试" },
      { action: "refund.retry", reason: "ORDER_CLOSED: 订单已关闭" },
    ]);
    // A stale job of the first attempt calls nobody.
    await sendRefund({ refundId: (await refundRow(o.orderId))!.id, outRefundNo: r.outRefundNo }, fake.providerFor);
    expect(fake.calls).toHaveLength(2);
    await expectLedgerClean();
  });
});
