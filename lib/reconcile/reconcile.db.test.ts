import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { databaseUrl } from "@/lib/env";
import { platformAccounts, post } from "@/lib/ledger";
import { createPendingOrder } from "@/lib/orders/create";
import { acceptNotification } from "@/lib/orders/notification";
import { markOrderPaid } from "@/lib/orders/pay";
import { refundOrder } from "@/lib/orders/refund";
import { sendRefund } from "@/lib/orders/refund-provider";
import { chinaDayBounds, chinaDayOf, dayBefore } from "@/lib/payments/bill-text";
import { devProvider } from "@/lib/payments/dev";
import { BillNotReadyError, ProviderUnavailableError, type PaymentProvider } from "@/lib/payments/provider";
import { AlipayFake } from "@/lib/payments/alipay/fake-server";
import { WechatFake } from "@/lib/payments/wechat/fake-server";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { bindTestAlipay } from "@/lib/testing/payout";
import { bindWechatAccount } from "@/lib/wallet/payout-accounts";
import { sendWithdrawal } from "@/lib/wallet/withdrawal-transfer";
import { approveWithdrawal, requestWithdrawal } from "@/lib/wallet/withdrawals";
import { expectLedgerClean } from "@/lib/testing/verify";
import { taskList } from "@/lib/worker/tasks";
import { compareDay } from "./compare";
import { railPostings } from "./ledger-side";
import { reconcileDay, requestReconciliation } from "./run";
import { alipayProviderFor, wechatProviderFor } from "@/lib/testing/provider-fakes";

// The daily reconciliation end to end: orders paid and refunded through the real SDKs against the
// fakes, the fakes' bills downloaded through the same SDKs, compared with the ledger. Each case
// pays under a provider id of its own (the real provider, renamed), so the postings other test
// files leave on the same day never meet its bill.

let wxFake: WechatFake;
let aliFake: AlipayFake;
let wechat: PaymentProvider;
let alipay: PaymentProvider;
let operator: number;
const today = chinaDayOf(new Date());
let seq = 0;

beforeAll(async () => {
  [wxFake, aliFake] = await Promise.all([new WechatFake().start(), new AlipayFake().start()]);
  wechat = wechatProviderFor(wxFake);
  alipay = alipayProviderFor(aliFake);
  operator = await makeCustomer("operator");
});

// A merchant's bill lists all its trades: each case starts with a merchant account of its own.
beforeEach(() => {
  wxFake.trades.clear();
  wxFake.refunds.clear();
  wxFake.transfers.clear();
  wxFake.bill.clear();
  aliFake.trades.clear();
  aliFake.transfers.clear();
  aliFake.bill.clear();
});

afterAll(async () => {
  await Promise.all([wxFake?.stop(), aliFake?.stop()]);
  await expectLedgerClean();
});

/** The provider under an id of this case's own. */
function renamed(p: PaymentProvider): PaymentProvider {
  return { ...p, id: `${p.id.slice(0, 3)}r${process.pid % 1000}x${++seq}` };
}

async function pendingOrder(provider: string, amountFen: number) {
  const store = await makeStore({ payoutMode: "manual" });
  const customer = await makeCustomer();
  const { order } = await inTransaction((tx) =>
    createPendingOrder(tx, { customerId: customer, merchantId: store.id, amountFen, idempotencyKey: randomUUID(), provider }),
  );
  return order;
}

const checkout = (p: PaymentProvider, orderNo: string, amountFen: number) =>
  p.createPayment({
    orderNo,
    amountFen,
    description: "Tea, large",
    device: "phone",
    clientIp: "203.0.113.7",
    returnUrl: `https://shop.example.com/pay/${orderNo}`,
    expiresAt: new Date(Date.now() + 15 * 60_000),
  });

/** Paid at WeChat Pay, and confirmed by its notification. */
async function paidByWechat(p: PaymentProvider, amountFen: number) {
  const order = await pendingOrder(p.id, amountFen);
  await checkout(p, order.orderNo, amountFen);
  wxFake.pay(order.orderNo);
  const n = wxFake.notification(order.orderNo);
  expect((await acceptNotification(p, n.body, n.headers)).paid?.applied).toBe(true);
  return order;
}

/** Paid at Alipay (the customer opened the pay address), and confirmed by its notification. */
async function paidByAlipay(p: PaymentProvider, amountFen: number) {
  const order = await pendingOrder(p.id, amountFen);
  const action = await checkout(p, order.orderNo, amountFen);
  if (action.kind !== "redirect") throw new Error("Alipay answers a redirect");
  aliFake.open(action.url);
  aliFake.pay(order.orderNo);
  const n = aliFake.notification(order.orderNo);
  expect((await acceptNotification(p, n.body, n.headers)).paid?.applied).toBe(true);
  return order;
}

/** Refunded by an operator; the job asks the provider, which confirms: refund_sent is posted. */
async function refunded(p: PaymentProvider, orderId: number) {
  await inTransaction((tx) => refundOrder(tx, { orderId, actor: { userId: operator, role: "operator" }, reason: "对账测试" }));
  const r = (await db.execute<{ id: number; out_refund_no: string }>(sql`select id, out_refund_no from payment_refunds where order_id = ${orderId}`)).rows[0]!;
  expect(await sendRefund({ refundId: Number(r.id), outRefundNo: r.out_refund_no }, () => p)).toBe("succeeded");
  return r.out_refund_no;
}

async function stored(provider: string, day = today) {
  const run = (
    await db.execute<{ id: number; status: string; provider_count: number; ledger_count: number; mismatch_count: number; error: string | null; bill_source: string | null }>(
      sql`select id, status, provider_count, ledger_count, mismatch_count, error, bill_source from reconciliation_runs where provider = ${provider} and day = ${day}`,
    )
  ).rows;
  const mismatches = run[0]
    ? (await db.execute<{ kind: string; tx_kind: string; out_id: string; provider_fen: number | null; ledger_fen: number | null; postings: number }>(
        sql`select kind, tx_kind, out_id, provider_fen, ledger_fen, postings from reconciliation_mismatches where run_id = ${run[0].id} order by out_id, kind`,
      )).rows.map((m) => ({ ...m, provider_fen: m.provider_fen === null ? null : Number(m.provider_fen), ledger_fen: m.ledger_fen === null ? null : Number(m.ledger_fen) }))
    : [];
  return { runs: run.length, run: run[0], mismatches };
}

describe("WeChat Pay: the day's ALL bill against the ledger", () => {
  it("a clean day, refunds counted: every payment and refund has exactly one posting of its amount", async () => {
    const p = renamed(wechat);
    const a = await paidByWechat(p, 12_345);
    const b = await paidByWechat(p, 800);
    const outRefundNo = await refunded(p, b.id);

    const result = await reconcileDay(p, today);
    expect(result.mismatches).toEqual([]);
    expect(result.status).toBe("matched");
    // Two payments and one refund on each side; net cash in: 12,345.
    expect(result.totals).toEqual({ providerCount: 3, providerFen: 12_345, ledgerCount: 3, ledgerFen: 12_345 });
    const s = await stored(p.id);
    expect(s).toMatchObject({ runs: 1, run: { status: "matched", provider_count: 3, ledger_count: 3, mismatch_count: 0, error: null, bill_source: "provider" }, mismatches: [] });
    expect(wxFake.calls.filter((c) => c === "GET /v3/bill/tradebill").length).toBeGreaterThan(0);
    expect(wxFake.calls).toContain("GET /v3/billdownload/file");
    expect([a.orderNo, outRefundNo].every(Boolean)).toBe(true);
    await expectLedgerClean();
  });

  it("finds each injected discrepancy with its kind, and a re-run replaces the day's result", async () => {
    const p = renamed(wechat);
    const a = await paidByWechat(p, 5_000);
    const b = await paidByWechat(p, 7_000);
    const c = await paidByWechat(p, 9_000);
    const refundOfA = await refunded(p, a.id);
    const stranger = `FLSTRANGERWX${seq}`;
    wxFake.bill.add({ kind: "payment", outId: stranger, orderNo: stranger, tradeRef: "4200000999", amountFen: 1_000, at: new Date() });
    wxFake.bill.setAmount(b.orderNo, 6_999);
    wxFake.bill.setAmount(refundOfA, 4_000);
    wxFake.bill.drop(c.orderNo);
    try {
      const expected = [
        { kind: "missing_in_ledger", tx_kind: "payment", out_id: stranger, provider_fen: 1_000, ledger_fen: null, postings: 0 },
        { kind: "amount_differs", tx_kind: "payment", out_id: b.orderNo, provider_fen: 6_999, ledger_fen: 7_000, postings: 1 },
        { kind: "missing_at_provider", tx_kind: "payment", out_id: c.orderNo, provider_fen: null, ledger_fen: 9_000, postings: 1 },
        { kind: "amount_differs", tx_kind: "refund", out_id: refundOfA, provider_fen: 4_000, ledger_fen: 5_000, postings: 1 },
      ].sort((x, y) => x.out_id.localeCompare(y.out_id) || x.kind.localeCompare(y.kind));

      const first = await reconcileDay(p, today);
      expect(first.status).toBe("mismatched");
      const s1 = await stored(p.id);
      expect(s1.run).toMatchObject({ status: "mismatched", mismatch_count: 4 });
      expect(s1.mismatches).toEqual(expected);

      // The same day again: the same result, in place of the first (one run, no doubled mismatches).
      await reconcileDay(p, today);
      const s2 = await stored(p.id);
      expect(s2.runs).toBe(1);
      expect(s2.run!.id).toBe(s1.run!.id);
      expect(s2.mismatches).toEqual(expected);

      // The provider's bill corrected: the re-run finds the day clean and keeps nothing of before.
      wxFake.bill.clear();
      expect((await reconcileDay(p, today)).status).toBe("matched");
      expect(await stored(p.id)).toMatchObject({ runs: 1, run: { status: "matched", mismatch_count: 0 }, mismatches: [] });
    } finally {
      wxFake.bill.clear();
    }
    await expectLedgerClean();
  });

  it("a bill not made yet, or one that fails its SHA1, is stored as a failed run and rethrown (the job retries)", async () => {
    const p = renamed(wechat);
    await paidByWechat(p, 1_500);
    wxFake.billNotReady = true;
    try {
      await expect(reconcileDay(p, today)).rejects.toBeInstanceOf(BillNotReadyError);
    } finally {
      wxFake.billNotReady = false;
    }
    expect((await stored(p.id)).run).toMatchObject({ status: "failed", error: expect.stringContaining("not ready") });

    wxFake.corruptNextBill = true;
    await expect(reconcileDay(p, today)).rejects.toThrow(/SHA1/);
    expect((await stored(p.id)).run).toMatchObject({ status: "failed", error: expect.stringContaining("SHA1") });

    wxFake.failNext("5xx");
    await expect(reconcileDay(p, today)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect((await reconcileDay(p, today)).status).toBe("matched");
    expect((await stored(p.id)).run).toMatchObject({ status: "matched", error: null });
  });

  it("the durable job: asked for in a transaction, run by the worker after commit, result stored", async () => {
    const p = renamed(wechat);
    await paidByWechat(p, 2_500);
    await inTransaction((tx) => requestReconciliation(tx, { provider: p.id, day: today, actorUserId: operator }));
    expect((await stored(p.id)).run).toMatchObject({ status: "queued" });
    await runOnce({
      connectionString: databaseUrl(),
      logger: new Logger(() => () => {}),
      taskList: taskList({ providerFor: (id) => (id === p.id ? p : devProvider) }),
    });
    expect((await stored(p.id)).run).toMatchObject({ status: "matched", provider_count: 1, ledger_count: 1 });
    const audit = await db.execute(sql`select 1 from audit_log where action = 'reconcile.rerun' and subject_id = ${`${p.id}:${today}`}`);
    expect(audit.rows.length).toBe(1);
  });
});

describe("Alipay: the day's GBK zip against the ledger", () => {
  it("a clean day with a refund matches; an extra trade, another amount and a missing one are each found", async () => {
    const p = renamed(alipay);
    const a = await paidByAlipay(p, 3_300);
    const b = await paidByAlipay(p, 4_400);
    const c = await paidByAlipay(p, 5_500);
    const refundOfC = await refunded(p, c.id);

    const clean = await reconcileDay(p, today);
    expect(clean.mismatches).toEqual([]);
    expect(clean.totals).toEqual({ providerCount: 4, providerFen: 7_700, ledgerCount: 4, ledgerFen: 7_700 });

    const stranger = `FLSTRANGERALI${seq}`;
    aliFake.bill.add({ kind: "payment", outId: stranger, orderNo: stranger, tradeRef: "2026000999", amountFen: 100, at: new Date() });
    aliFake.bill.setAmount(a.orderNo, 3_301);
    aliFake.bill.drop(refundOfC);
    try {
      await reconcileDay(p, today);
      const s = await stored(p.id);
      expect(s.run).toMatchObject({ status: "mismatched", mismatch_count: 3, bill_source: "provider" });
      expect(s.mismatches).toEqual(
        [
          { kind: "amount_differs", tx_kind: "payment", out_id: a.orderNo, provider_fen: 3_301, ledger_fen: 3_300, postings: 1 },
          { kind: "missing_in_ledger", tx_kind: "payment", out_id: stranger, provider_fen: 100, ledger_fen: null, postings: 0 },
          { kind: "missing_at_provider", tx_kind: "refund", out_id: refundOfC, provider_fen: null, ledger_fen: 5_500, postings: 1 },
        ].sort((x, y) => x.out_id.localeCompare(y.out_id)),
      );
      expect(b.orderNo).toBeTruthy();
    } finally {
      aliFake.bill.clear();
    }
    expect((await reconcileDay(p, today)).status).toBe("matched");
    await expectLedgerClean();
  });
});

describe("the dev provider: its bill is the ledger's own records", () => {
  it("never reports a difference that is not one", async () => {
    const p: PaymentProvider = { ...devProvider, id: `devr${process.pid % 1000}x${++seq}` };
    for (const amount of [100, 2_000, 30_000]) {
      const order = await pendingOrder(p.id, amount);
      await inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `dev_${order.id}`, provider: p.id }));
    }
    const last = (await db.execute<{ id: number }>(sql`select id from orders where provider = ${p.id} order by id desc limit 1`)).rows[0]!;
    await refunded(p, Number(last.id));
    const result = await reconcileDay(p, today);
    expect(result).toMatchObject({ status: "matched", mismatches: [], totals: { providerCount: 4, ledgerCount: 4, providerFen: 2_100, ledgerFen: 2_100 } });
    expect((await stored(p.id)).run).toMatchObject({ bill_source: "ledger" });
    await expectLedgerClean();
  });
});

describe("a duplicate posting", () => {
  it("is found from the real postings (written in a transaction that is then rolled back: the ledger must stay clean)", async () => {
    const p = renamed(wechat);
    const a = await paidByWechat(p, 6_600);
    const outRefundNo = await refunded(p, a.id);
    const bill = await p.downloadBill(today);
    if (bill.source !== "provider") throw new Error("WeChat keeps a bill");
    const window = chinaDayBounds(today);
    const rollback = new Error("rollback");
    await expect(
      inTransaction(async (tx) => {
        // A second refund_sent for the order, as a bug that confirmed one refund twice would post it.
        const platform = await platformAccounts(tx);
        await post(tx, {
          kind: "refund_sent",
          orderId: a.id,
          queueId: a.queueId,
          legs: [
            { accountId: platform.platformFees, asset: "CNY", amount: -6_600 },
            { accountId: platform.world, asset: "CNY", amount: 6_600 },
          ],
        });
        const postings = await railPostings(tx, { provider: p.id, ...window, payments: [a.orderNo], refunds: [outRefundNo] });
        const { mismatches } = compareDay({ bill: bill.rows, postings, window });
        expect(mismatches).toEqual([
          expect.objectContaining({ kind: "duplicate_posting", txKind: "refund", outId: outRefundNo, providerFen: 6_600, ledgerFen: 13_200, postings: 2 }),
        ]);
        throw rollback;
      }, 0),
    ).rejects.toBe(rollback);
    expect((await reconcileDay(p, today)).status).toBe("matched");
    await expectLedgerClean();
  });
});

describe("an order with a returned payment (paid at one provider, paid again at another, refunded too)", () => {
  /** Sends the order's refund rows (its own and the returned payment's) through their providers. */
  async function sendRefunds(orderId: number, providers: Record<string, PaymentProvider>) {
    const rows = (await db.execute<{ id: number; out_refund_no: string; provider: string }>(
      sql`select id, out_refund_no, provider from payment_refunds where order_id = ${orderId} and status = 'pending' order by id`,
    )).rows;
    for (const r of rows) expect(await sendRefund({ refundId: Number(r.id), outRefundNo: r.out_refund_no }, () => providers[r.provider]!)).toBe("succeeded");
    return rows.length;
  }

  it("each provider's day matches: the returned payment and each refund are counted under their own provider, once", async () => {
    const pa = renamed(wechat);
    const pb = renamed(alipay);
    const order = await paidByWechat(pa, 4_200);
    const action = await checkout(pb, order.orderNo, 4_200);
    if (action.kind !== "redirect") throw new Error("Alipay answers a redirect");
    aliFake.open(action.url);
    aliFake.pay(order.orderNo);
    const n = aliFake.notification(order.orderNo);
    expect((await acceptNotification(pb, n.body, n.headers)).paid?.returned).toBe("duplicate");
    await inTransaction((tx) => refundOrder(tx, { orderId: order.id, actor: { userId: operator, role: "operator" }, reason: "对账测试" }));
    expect(await sendRefunds(order.id, { [pa.id]: pa, [pb.id]: pb })).toBe(2);

    const a = await reconcileDay(pa, today);
    expect(a.mismatches).toEqual([]);
    expect(a.totals).toEqual({ providerCount: 2, providerFen: 0, ledgerCount: 2, ledgerFen: 0 });
    const b = await reconcileDay(pb, today);
    expect(b.mismatches).toEqual([]);
    expect(b.totals).toEqual({ providerCount: 2, providerFen: 0, ledgerCount: 2, ledgerFen: 0 });
    await expectLedgerClean();
  });

  it("the same through providers that keep no bill (the ledger's records are the bill)", async () => {
    const pa: PaymentProvider = { ...devProvider, id: `devr${process.pid % 1000}x${++seq}` };
    const pb: PaymentProvider = { ...devProvider, id: `devr${process.pid % 1000}x${++seq}` };
    const order = await pendingOrder(pa.id, 3_100);
    await inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: 3_100, providerRef: `dev_${order.id}`, provider: pa.id }));
    const second = await inTransaction((tx) => markOrderPaid(tx, { orderNo: order.orderNo, amountFen: 3_100, providerRef: `dev_${order.id}_b`, provider: pb.id }));
    expect(second.returned).toBe("duplicate");
    await inTransaction((tx) => refundOrder(tx, { orderId: order.id, actor: { userId: operator, role: "operator" }, reason: "对账测试" }));
    expect(await sendRefunds(order.id, { [pa.id]: pa, [pb.id]: pb })).toBe(2);

    for (const p of [pa, pb]) {
      const r = await reconcileDay(p, today);
      expect(r.mismatches).toEqual([]);
      expect(r.totals).toEqual({ providerCount: 2, providerFen: 0, ledgerCount: 2, ledgerFen: 0 });
    }
    await expectLedgerClean();
  });
});

describe("the midnight lag through the job's own reading of the ledger", () => {
  it("a posting whose transaction is on the previous day's bill is matched by it, and the day is clean", async () => {
    const p = renamed(wechat);
    await paidByWechat(p, 2_200);
    const rows = await p.downloadBill(today);
    if (rows.source !== "provider") throw new Error("WeChat keeps a bill");
    expect(rows.rows).toHaveLength(1);
    // Today's bill lacks the payment, yesterday's has it (the provider took it at 23:59:59).
    const lagged: PaymentProvider = { ...p, downloadBill: async (day) => ({ source: "provider", rows: day === dayBefore(today) ? rows.rows : [] }) };
    const result = await reconcileDay(lagged, today);
    expect(result.mismatches).toEqual([]);
    expect(result.totals).toMatchObject({ providerCount: 0, ledgerCount: 1 });
    await expectLedgerClean();
  });
});

describe("the direction of the cash", () => {
  it("a refund posting that took cash in instead of sending it out is not matched by the refund's amount", async () => {
    const p = renamed(wechat);
    const a = await paidByWechat(p, 5_000);
    const window = chinaDayBounds(today);
    const outRefundNo = `RF${a.orderNo}01`;
    const rollback = new Error("rollback");
    await expect(
      inTransaction(async (tx) => {
        // A refund the provider confirmed, posted with its legs the wrong way round (a bug).
        await tx.execute(sql`
          insert into payment_refunds (order_id, provider, out_refund_no, amount_fen, status, settled_at, provider_ref, actor_user_id)
          values (${a.id}, ${p.id}, ${outRefundNo}, 1200, 'succeeded', now(), 'wx-refund-1', ${operator})`);
        const platform = await platformAccounts(tx);
        await post(tx, {
          kind: "refund_sent",
          orderId: a.id,
          queueId: a.queueId,
          legs: [
            { accountId: platform.world, asset: "CNY", amount: -1_200 },
            { accountId: platform.platformFees, asset: "CNY", amount: 1_200 },
          ],
        });
        const bill = [{ kind: "refund" as const, outId: outRefundNo, providerRef: "wx-refund-1", amountFen: 1_200, at: new Date() }];
        const postings = await railPostings(tx, { provider: p.id, ...window, payments: [], refunds: [outRefundNo] });
        const { mismatches } = compareDay({ bill, postings: postings.filter((x) => x.kind === "refund"), window });
        expect(mismatches).toEqual([expect.objectContaining({ kind: "amount_differs", outId: outRefundNo, providerFen: 1_200, ledgerFen: -1_200 })]);
        throw rollback;
      }, 0),
    ).rejects.toBe(rollback);
    await expectLedgerClean();
  });
});

describe("transfers (withdrawals paid out to bound accounts), against the providers' account statements", () => {
  /** A customer with money, an account bound at `p`'s provider, and an approved withdrawal through `p`. */
  async function approvedThrough(p: PaymentProvider, amountFen: number) {
    const customer = await makeCustomer();
    const store = await makeStore({ rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 5000, unitCapFen: 0, minOrderFen: 0 });
    await placePaidOrder(customer, store.id, amountFen * 2);
    const payoutAccountId = p.id.startsWith("wec")
      ? (await inTransaction((tx) => bindWechatAccount(tx, customer, `oWx${customer}abcdefghijklmnop`))).id
      : await bindTestAlipay(customer);
    const w = await inTransaction((tx) => requestWithdrawal(tx, { userId: customer, amountFen, payoutAccountId }));
    const approved = await inTransaction((tx) => approveWithdrawal(tx, { withdrawalId: w.id, operatorId: operator }, () => p.id));
    return { withdrawalId: w.id, outBillNo: approved.outBillNo! };
  }

  const found = (r: { mismatches: { txKind: string; kind: string; outId: string; providerFen: number | null; ledgerFen: number | null }[] }) =>
    r.mismatches.map((m) => [m.txKind, m.kind, m.outId, m.providerFen, m.ledgerFen]);

  async function auditedMismatch(providerId: string) {
    const res = await db.execute<{ details: { count: number; kinds: Record<string, number>; outIds: string[] } }>(
      sql`select details from audit_log where action = 'reconcile.mismatch' and subject_id = ${`${providerId}:${today}`} order by id desc limit 1`,
    );
    return res.rows[0]?.details ?? null;
  }

  it("Alipay: the account bill's 转账 rows match the postings; made but returned, posted but never made, another amount, and one never issued are each found", async () => {
    const p = renamed(alipay);
    const paid = await approvedThrough(p, 3_000);
    expect(await sendWithdrawal(paid, () => p)).toBe("succeeded");
    const clean = await reconcileDay(p, today);
    expect(clean).toMatchObject({ status: "matched", totals: { providerCount: 1, ledgerCount: 1, providerFen: -3_000, ledgerFen: -3_000 } });
    expect(await auditedMismatch(p.id)).toBeNull();

    // The provider refused the second one, so the ledger gave the money back; then its statement
    // says it was made after all (a real transfer the ledger does not know of).
    aliFake.transferOutcome = { status: "FAIL", reason: "PAYEE_NOT_EXIST" };
    const returned = await approvedThrough(p, 1_200);
    try {
      expect(await sendWithdrawal(returned, () => p)).toBe("failed");
    } finally {
      aliFake.transferOutcome = { status: "SUCCESS" };
    }
    aliFake.transfers.get(returned.outBillNo)!.status = "SUCCESS";
    const third = await approvedThrough(p, 2_000);
    expect(await sendWithdrawal(third, () => p)).toBe("succeeded");
    // The first one is not in the statement (posted paid, never made); the third went out for
    // another amount; and one the platform never issued left the account (no query could find it).
    aliFake.bill.drop(paid.outBillNo);
    aliFake.bill.setAmount(third.outBillNo, 2_100);
    aliFake.bill.add({ kind: "transfer", outId: "WUNKNOWN1", orderNo: "WUNKNOWN1", tradeRef: "20260000001", amountFen: 500, at: new Date() });

    const spoiled = await reconcileDay(p, today);
    expect(spoiled.status).toBe("mismatched");
    expect(found(spoiled)).toEqual(
      expect.arrayContaining([
        ["transfer", "missing_in_ledger", returned.outBillNo, 1_200, null],
        ["transfer", "missing_at_provider", paid.outBillNo, null, 3_000],
        ["transfer", "amount_differs", third.outBillNo, 2_100, 2_000],
        ["transfer", "missing_in_ledger", "WUNKNOWN1", 500, null],
      ]),
    );
    expect(spoiled.mismatches).toHaveLength(4);
    // Listed for the operator (the run's stored mismatches) and in the audit log.
    const stored = await db.execute<{ out_id: string }>(sql`
      select m.out_id from reconciliation_mismatches m join reconciliation_runs r on r.id = m.run_id
      where r.provider = ${p.id} and r.day = ${today} and m.tx_kind = 'transfer'`);
    expect(stored.rows.map((r) => r.out_id).sort()).toEqual([returned.outBillNo, paid.outBillNo, third.outBillNo, "WUNKNOWN1"].sort());
    expect(await auditedMismatch(p.id)).toMatchObject({
      count: 4,
      kinds: { "transfer:missing_in_ledger": 2, "transfer:missing_at_provider": 1, "transfer:amount_differs": 1 },
      outIds: expect.arrayContaining(["WUNKNOWN1", third.outBillNo]),
    });
    await expectLedgerClean();
  });

  it("WeChat Pay: the fund-flow bill's 商家转账 rows match the postings (its SHA1 and summary checked); another amount is found", async () => {
    const p = renamed(wechatProviderFor(wxFake, { transferSceneId: "1000" }));
    const w = await approvedThrough(p, 3_000);
    expect(await sendWithdrawal(w, () => p)).toBe("succeeded");
    expect(await reconcileDay(p, today)).toMatchObject({ status: "matched", totals: { providerCount: 1, ledgerCount: 1, providerFen: -3_000 } });
    expect(wxFake.calls).toContain("GET /v3/bill/fundflowbill");

    wxFake.bill.setAmount(w.outBillNo, 2_999);
    const spoiled = await reconcileDay(p, today);
    expect(found(spoiled)).toEqual([["transfer", "amount_differs", w.outBillNo, 2_999, 3_000]]);
    expect(await auditedMismatch(p.id)).toMatchObject({ count: 1, kinds: { "transfer:amount_differs": 1 } });

    // A fund-flow bill that fails its SHA1 fails the run (retried), never reads as a smaller day.
    wxFake.bill.clear();
    // (No payment that day: the fund-flow bill is the only file.)
    wxFake.corruptNextBill = true;
    await expect(reconcileDay(p, today)).rejects.toThrow(/fundflowbill of .*SHA1/);
    await expectLedgerClean();
  });
});
