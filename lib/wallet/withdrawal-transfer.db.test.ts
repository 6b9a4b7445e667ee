import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { databaseUrl } from "@/lib/env";
import { listStuckJobs, retryStuckJob } from "@/lib/jobs/stuck";
import { paymentProvider } from "@/lib/payments";
import { AlipayFake } from "@/lib/payments/alipay/fake-server";
import { ProviderUnavailableError, type PaymentProvider } from "@/lib/payments/provider";
import { WechatFake } from "@/lib/payments/wechat/fake-server";
import { WechatOAuthFake } from "@/lib/payments/wechat/oauth-fake-server";
import type { WechatOAuthConfig } from "@/lib/payments/wechat-oauth";
import { balanceOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { bindTestAlipay } from "@/lib/testing/payout";
import { expectLedgerClean } from "@/lib/testing/verify";
import { verifyLedger } from "@/lib/ledger/verify";
import { taskList } from "@/lib/worker/tasks";
import { customerWithdrawals } from "./history";
import { bindingReturnPath, finishWechatBinding, startWechatBinding } from "./wechat-binding";
import { sendWithdrawal, TransferStillProcessing } from "./withdrawal-transfer";
import { approveWithdrawal, requestWithdrawal } from "./withdrawals";
import { alipayProviderFor, wechatProviderFor } from "@/lib/testing/provider-fakes";

// Withdrawals to bound accounts, end to end: the approval's job runs the real SDKs (alipay-sdk,
// wechatpay-axios-plugin) against fakes that play Alipay's gateway and WeChat Pay's API v3, and
// WeChat's OAuth is played by its own fake. Every case ends with the ledger verify clean.

let alipayFake: AlipayFake;
let wechatFake: WechatFake;
let oauthFake: WechatOAuthFake;
let alipay: PaymentProvider;
let wechat: PaymentProvider;
let oauth: WechatOAuthConfig;

beforeAll(async () => {
  alipayFake = await new AlipayFake().start();
  wechatFake = await new WechatFake().start();
  alipay = alipayProviderFor(alipayFake, { timeoutMs: 400 });
  wechat = wechatProviderFor(wechatFake, { timeoutMs: 400, transferSceneId: "1005" });
  oauthFake = await new WechatOAuthFake(wechatFake.keys.appid, "fakeappsecret0123456789abcdef012").start();
  oauth = { appid: oauthFake.appid, secret: oauthFake.secret, oauthBaseUrl: oauthFake.url, apiBaseUrl: oauthFake.url, timeoutMs: 400 };
});

afterAll(async () => {
  await alipayFake?.stop();
  await wechatFake?.stop();
  await oauthFake?.stop();
  await expectLedgerClean();
});

/** The providers by id as the worker finds them, but reaching the fakes. */
const providerFor = (id: string): PaymentProvider => (id === "alipay" ? alipay : id === "wechat" ? wechat : paymentProvider(id));
const quiet = new Logger(() => () => {});
const runWorker = () => runOnce({ connectionString: databaseUrl(), logger: quiet, taskList: taskList({ providerFor }) });

/** A customer with `fen` in their wallet (an order at a store whose pool frees half of it at once). */
async function fundedCustomer(fen = 5_000): Promise<number> {
  const customer = await makeCustomer();
  const store = await makeStore({ rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 5000, unitCapFen: 0, minOrderFen: 0 });
  await placePaidOrder(customer, store.id, fen * 2);
  return customer;
}

/** Binds the customer's WeChat through the OAuth fake, exactly as the browser does: start, WeChat's redirect, our callback. */
async function bindWechat(userId: number, openid: string): Promise<number> {
  oauthFake.nextOpenid = openid;
  const { state, url } = startWechatBinding(oauth, "https://shop.example.com/me/wallet/wechat/callback");
  const res = await fetch(url.replace(/#wechat_redirect$/, ""), { redirect: "manual" });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get("location")!);
  expect(back.origin + back.pathname).toBe("https://shop.example.com/me/wallet/wechat/callback");
  const bound = await finishWechatBinding({ userId, code: back.searchParams.get("code"), state: back.searchParams.get("state"), cookieState: state }, oauth);
  return bound.id;
}

async function approvedWithdrawal(kind: "alipay" | "wechat", amountFen = 3_000) {
  const customer = await fundedCustomer();
  const operator = await makeCustomer("operator");
  const payoutAccountId = kind === "alipay" ? await bindTestAlipay(customer) : await bindWechat(customer, `oWx${customer}abcdefghijklmnop`);
  const w = await inTransaction((tx) => requestWithdrawal(tx, { userId: customer, amountFen, payoutAccountId }));
  const approved = await inTransaction((tx) => approveWithdrawal(tx, { withdrawalId: w.id, operatorId: operator }, () => kind));
  return { customer, operator, id: w.id, outBillNo: approved.outBillNo!, job: { withdrawalId: w.id, outBillNo: approved.outBillNo! } };
}

async function row(id: number) {
  const res = await db.execute<{ status: string; failure_reason: string | null; last_error: string | null; provider_ref: string | null; settle_transaction_id: number | null }>(
    sql`select status, failure_reason, last_error, provider_ref, settle_transaction_id from withdrawals where id = ${id}`,
  );
  return res.rows[0]!;
}

const jobsFor = async (outBillNo: string) =>
  Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs where key = ${`withdrawal:${outBillNo}`}`)).rows[0]!.n);

const settlements = async (id: number) =>
  Number(
    (
      await db.execute<{ n: number }>(sql`
        select count(*)::int as n from ledger_transactions t join withdrawals w on w.user_id = (select user_id from withdrawals where id = ${id})
        where t.kind in ('withdrawal_paid','withdrawal_failed') and t.id = w.settle_transaction_id and w.id = ${id}`)
    ).rows[0]!.n,
  );

/** The transfer calls the WeChat fake accepted for one out-id (creates and queries). */
const wechatCalls = (outBillNo: string) => ({
  creates: wechatFake.calls.filter((c) => c === "POST /v3/fund-app/mch-transfer/transfer-bills").length,
  queries: wechatFake.calls.filter((c) => c === `GET /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${outBillNo}`).length,
});

describe("binding a WeChat account through WeChat's OAuth", () => {
  it("binds the openid WeChat answers; a wrong state, a reused code or a wrong secret binds nothing", async () => {
    const customer = await makeCustomer();
    await bindWechat(customer, "oAbCdEf0123456789xyz4f");
    const masked = await db.execute<{ openid: string }>(sql`select openid from payout_accounts where user_id = ${customer} and unbound_at is null`);
    expect(masked.rows).toEqual([{ openid: "oAbCdEf0123456789xyz4f" }]);

    const { state, url } = startWechatBinding(oauth, "https://shop.example.com/cb");
    expect(new URL(url).searchParams.get("scope")).toBe("snsapi_base");
    expect(url.endsWith("#wechat_redirect")).toBe(true);
    const back = new URL((await fetch(url, { redirect: "manual" })).headers.get("location")!);
    const code = back.searchParams.get("code");
    // Another site's link (its own state, not the one in this customer's cookie) is refused before WeChat is asked.
    await expect(finishWechatBinding({ userId: customer, code, state: "0".repeat(32), cookieState: state }, oauth)).rejects.toMatchObject({ code: "forbidden", message: "payout.wechatState" });
    await expect(finishWechatBinding({ userId: customer, code, state, cookieState: undefined }, oauth)).rejects.toMatchObject({ message: "payout.wechatState" });
    // A wrong secret: WeChat answers errcode 40125.
    await expect(finishWechatBinding({ userId: customer, code, state, cookieState: state }, { ...oauth, secret: "wrongsecret0123456789" })).rejects.toMatchObject({ message: "payout.wechatFailed" });
    await finishWechatBinding({ userId: customer, code, state, cookieState: state }, oauth);
    // A code works once.
    await expect(finishWechatBinding({ userId: customer, code, state, cookieState: state }, oauth)).rejects.toMatchObject({ code: "invalid_input", message: "payout.wechatFailed" });
    expect(Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from payout_accounts where user_id = ${customer} and unbound_at is null`)).rows[0]!.n)).toBe(1);
  });
});

describe("returning from WeChat's OAuth", () => {
  it("goes back only to a checkout's pay page (no open redirect)", () => {
    expect(bindingReturnPath("/pay/FL261207ABCDEFGH")).toBe("/pay/FL261207ABCDEFGH");
    for (const bad of ["https://evil.example/pay/FL261207ABCDEFGH", "//evil.example", "/pay/FL261207ABCDEFGH/../../x", "/me/wallet?x=1", "", null, undefined]) {
      expect(bindingReturnPath(bad), String(bad)).toBeNull();
    }
  });
});

describe("withdrawals through the providers' SDKs and fakes", () => {
  it("Alipay: the worker transfers once, with the row's out-id, and the withdrawal is paid", async () => {
    const w = await approvedWithdrawal("alipay");
    expect(await jobsFor(w.outBillNo)).toBe(1);
    await runWorker();
    expect(await row(w.id)).toMatchObject({ status: "paid", last_error: null });
    expect(alipayFake.transfers.get(w.outBillNo)).toMatchObject({ status: "SUCCESS" });
    expect(await jobsFor(w.outBillNo)).toBe(0);
    expect(await balanceOf({ userId: w.customer }, "withdrawals_sending")).toBe(0);
    expect(await balanceOf({ userId: w.customer }, "wallet")).toBe(2_000);
    expect(await settlements(w.id)).toBe(1);
    expect((await customerWithdrawals(w.customer))[0]).toMatchObject({ status: "paid", account: { kind: "alipay", masked: "Z******** · 139****" + String(w.customer).padStart(8, "0").slice(-4) } });
    await expectLedgerClean();
  });

  it("WeChat: the openid from OAuth gets the transfer (商家转账), and the withdrawal is paid", async () => {
    const w = await approvedWithdrawal("wechat");
    await runWorker();
    expect(await row(w.id)).toMatchObject({ status: "paid" });
    expect(wechatFake.transfers.get(w.outBillNo)).toMatchObject({ amountFen: 3_000, openid: `oWx${w.customer}abcdefghijklmnop`, state: "SUCCESS" });
    expect(wechatCalls(w.outBillNo).queries).toBe(0);
    await expectLedgerClean();
  });

  it("a refused transfer: the money goes back to the wallet and the customer sees the provider's reason", async () => {
    const w = await approvedWithdrawal("alipay");
    alipayFake.transferOutcome = { status: "FAIL", reason: "PAYEE_USER_INFO_ERROR" };
    try {
      await runWorker();
    } finally {
      alipayFake.transferOutcome = { status: "SUCCESS" };
    }
    const r = await row(w.id);
    expect(r.status).toBe("failed");
    expect(r.failure_reason).toContain("PAYEE_USER_INFO_ERROR");
    expect(await balanceOf({ userId: w.customer }, "wallet")).toBe(5_000);
    expect(await balanceOf({ userId: w.customer }, "withdrawals_sending")).toBe(0);
    expect((await customerWithdrawals(w.customer))[0]).toMatchObject({ status: "failed", failureReason: expect.stringContaining("PAYEE_USER_INFO_ERROR") });
    const history = await db.execute<{ kind: string; reason: string }>(sql`
      select t.kind, t.reason from ledger_transactions t where t.id = (select settle_transaction_id from withdrawals where id = ${w.id})`);
    expect(history.rows[0]).toMatchObject({ kind: "withdrawal_failed", reason: expect.stringContaining("PAYEE_USER_INFO_ERROR") });
    const audit = await db.execute<{ action: string }>(sql`select action from audit_log where subject_type = 'withdrawal' and subject_id = ${String(w.id)} order by id`);
    expect(audit.rows.map((a) => a.action)).toEqual(["withdrawal.approve", "withdrawal.failed"]);
    // A repeated job for a settled withdrawal calls nobody.
    const before = alipayFake.calls.length;
    expect(await sendWithdrawal(w.job, providerFor)).toBe("skipped");
    expect(alipayFake.calls.length).toBe(before);
    await expectLedgerClean();
  });

  it("a 5xx, then a timeout: each try throws and is noted; the retry asks first, then transfers once, same out-id", async () => {
    const w = await approvedWithdrawal("wechat");
    wechatFake.failNext("5xx");
    await expect(sendWithdrawal(w.job, providerFor)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await row(w.id)).toMatchObject({ status: "sending", last_error: expect.stringContaining("HTTP 500") });
    expect(await settlements(w.id)).toBe(0);
    wechatFake.failNext("timeout");
    await expect(sendWithdrawal(w.job, providerFor)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await row(w.id)).toMatchObject({ status: "sending", last_error: expect.stringMatching(/ProviderUnavailableError/) });
    expect(await sendWithdrawal(w.job, providerFor)).toBe("succeeded");
    expect(await row(w.id)).toMatchObject({ status: "paid", last_error: null });
    // Neither failed call reached the fake; the last try queried (nothing there) and transferred once.
    expect(wechatCalls(w.outBillNo).queries).toBe(1);
    expect([...wechatFake.transfers.values()].filter((t) => t.outBillNo === w.outBillNo)).toHaveLength(1);
    expect(await settlements(w.id)).toBe(1);
    await expectLedgerClean();
  });

  it("a crash after the provider made the transfer: the retry's query confirms it, and there is exactly one transfer", async () => {
    const w = await approvedWithdrawal("wechat");
    const createsBefore = wechatCalls(w.outBillNo).creates;
    // The transfer reaches WeChat Pay, then the worker dies before it records the answer.
    const crashing: PaymentProvider = {
      ...wechat,
      transfer: async (req) => {
        await wechat.transfer(req);
        throw new Error("worker killed");
      },
    };
    await expect(sendWithdrawal(w.job, () => crashing)).rejects.toThrow("worker killed");
    expect(await row(w.id)).toMatchObject({ status: "sending" });
    expect(await settlements(w.id)).toBe(0);
    expect(await sendWithdrawal(w.job, providerFor)).toBe("succeeded");
    const calls = wechatCalls(w.outBillNo);
    expect(calls.creates - createsBefore).toBe(1);
    expect(calls.queries).toBe(1);
    expect(await row(w.id)).toMatchObject({ status: "paid" });
    expect(await settlements(w.id)).toBe(1);
    await expectLedgerClean();
  });

  it("two workers racing on one withdrawal: one out-id, one transfer, one posting", async () => {
    const w = await approvedWithdrawal("alipay");
    const seen: string[] = [];
    // Every call is held a moment, so the three workers are all between their read and their record at once.
    const hold = () => new Promise((r) => setTimeout(r, 100));
    const spying: PaymentProvider = {
      ...alipay,
      transfer: async (req) => (seen.push(req.outBillNo), await hold(), alipay.transfer(req)),
      queryTransfer: async (req) => (seen.push(req.outBillNo), await hold(), alipay.queryTransfer(req)),
    };
    const results = await Promise.allSettled([sendWithdrawal(w.job, () => spying), sendWithdrawal(w.job, () => spying), sendWithdrawal(w.job, () => spying)]);
    for (const r of results) if (r.status === "fulfilled") expect(["succeeded", "skipped"]).toContain(r.value);
    expect(new Set(seen)).toEqual(new Set([w.outBillNo]));
    expect(await row(w.id)).toMatchObject({ status: "paid" });
    expect(await settlements(w.id)).toBe(1);
    const postings = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from ledger_transactions t join ledger_entries e on e.transaction_id = t.id join accounts a on a.id = e.account_id
      where t.kind = 'withdrawal_paid' and a.kind = 'withdrawals_sending' and a.user_id = ${w.customer}`);
    expect(postings.rows[0]!.n).toBe(1);
    // Two runners draining the job table at once run the job once.
    const w2 = await approvedWithdrawal("alipay");
    const before = alipayFake.calls.filter((c) => c === "alipay.fund.trans.uni.transfer").length;
    await Promise.all([runWorker(), runWorker()]);
    expect(alipayFake.calls.filter((c) => c === "alipay.fund.trans.uni.transfer").length - before).toBe(1);
    expect(await row(w2.id)).toMatchObject({ status: "paid" });
    await expectLedgerClean();
  });

  it("a rolled-back approval leaves no job and no out-id, and the provider is never called", async () => {
    const customer = await fundedCustomer();
    const operator = await makeCustomer("operator");
    const payoutAccountId = await bindTestAlipay(customer);
    const w = await inTransaction((tx) => requestWithdrawal(tx, { userId: customer, amountFen: 2_000, payoutAccountId }));
    let outBillNo = "";
    await expect(
      inTransaction(async (tx) => {
        outBillNo = (await approveWithdrawal(tx, { withdrawalId: w.id, operatorId: operator }, () => "alipay")).outBillNo!;
        throw new Error("the request failed after the approval");
      }),
    ).rejects.toThrow("the request failed");
    expect(outBillNo).toMatch(/^WD/);
    expect(await jobsFor(outBillNo)).toBe(0);
    expect(await row(w.id)).toMatchObject({ status: "requested" });
    const before = alipayFake.calls.length;
    await runWorker();
    expect(alipayFake.transfers.has(outBillNo)).toBe(false);
    expect(alipayFake.calls.length).toBe(before);
    expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(2_000);
    await expectLedgerClean();
  });

  it("an accepted transfer still processing is asked by query later, not requested again", async () => {
    const w = await approvedWithdrawal("alipay");
    let asked = 0;
    const slow: PaymentProvider = {
      ...alipay,
      transfer: async (req) => {
        asked++;
        await alipay.transfer(req);
        return { state: "processing", providerRef: "20261207processing" };
      },
    };
    await expect(sendWithdrawal(w.job, () => slow)).rejects.toBeInstanceOf(TransferStillProcessing);
    expect(await row(w.id)).toMatchObject({ status: "sending", provider_ref: "20261207processing" });
    expect(await sendWithdrawal(w.job, () => slow)).toBe("succeeded");
    expect(asked).toBe(1);
    await expectLedgerClean();
  });

  it("retries run out: the job is listed as stuck; the operator's retry pays it once the provider answers", async () => {
    const w = await approvedWithdrawal("wechat");
    const dueNow = () => db.execute(sql`
      select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where key = ${`withdrawal:${w.outBillNo}`}), run_at => now())`);
    wechatFake.failNext("5xx", 100);
    try {
      for (let i = 0; i < 12; i++) {
        await dueNow();
        await runWorker();
      }
    } finally {
      wechatFake.clearFaults();
    }
    const stuck = (await listStuckJobs(db)).find((j) => j.key === `withdrawal:${w.outBillNo}`);
    expect(stuck).toMatchObject({ task: "withdrawal.send", attempts: 12 });
    expect(await row(w.id)).toMatchObject({ status: "sending" });
    await inTransaction((tx) => retryStuckJob(tx, { jobId: stuck!.id, actorUserId: w.operator }));
    await runWorker();
    expect(await row(w.id)).toMatchObject({ status: "paid" });
    expect([...wechatFake.transfers.values()].filter((t) => t.outBillNo === w.outBillNo)).toHaveLength(1);
    await expectLedgerClean();
  });
});

describe("the ledger check of withdrawals (I11)", () => {
  it("finds a withdrawal whose status and money disagree, and a settlement posted twice", async () => {
    const w = await approvedWithdrawal("alipay");
    await runWorker();
    const i11 = async (tx: Parameters<typeof verifyLedger>[0]) => (await verifyLedger(tx)).find((r) => r.id === "I11")!;
    const rollback = new Error("rollback");
    // Marked paid again as in flight: the money already left, so withdrawals_sending no longer holds it.
    await expect(
      inTransaction(async (tx) => {
        await tx.execute(sql`update withdrawals set status = 'sending', settle_transaction_id = null, settled_at = null where id = ${w.id}`);
        const r = await i11(tx);
        expect(r.violations).toBeGreaterThan(0);
        expect(r.examples.join(" ")).toMatch(new RegExp(`user ${w.customer}: .*withdrawals_sending 0 <> in flight 3000`));
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    // A requested one marked approved without its posting.
    const other = await fundedCustomer();
    const acc = await bindTestAlipay(other);
    const req = await inTransaction((tx) => requestWithdrawal(tx, { userId: other, amountFen: 1_000, payoutAccountId: acc }));
    await expect(
      inTransaction(async (tx) => {
        await tx.execute(sql`update withdrawals set status = 'rejected', decided_at = now(), decision_transaction_id = request_transaction_id where id = ${req.id}`);
        expect((await i11(tx)).violations).toBeGreaterThan(0);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect((await i11(db)).violations).toBe(0);
  });
});
