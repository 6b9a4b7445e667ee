import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { customerHistory } from "@/lib/customers/summary";
import { balanceOf, derivedBalance, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { confirmPassword } from "@/lib/auth/confirm-password";
import { customerWithdrawals, decidedWithdrawals, pendingWithdrawals, withdrawalsToday } from "./history";
import { WITHDRAWAL_RULES } from "./rules";
import { Scheduler } from "@/lib/testing/interleave";
import { bindTestAlipay } from "@/lib/testing/payout";
import { bindAlipayAccount } from "./payout-accounts";
import { sendWithdrawal } from "./withdrawal-transfer";
import { approveWithdrawal, rejectWithdrawal, requestWithdrawal } from "./withdrawals";

afterEach(expectLedgerClean);

/**
 * Gives a customer exactly `fen` in their wallet the way the product does: an order at a fresh auto
 * store whose pool covers the order's own entry at once (target = pool = half the order).
 */
async function fundWallet(customer: number, fen: number): Promise<void> {
  const store = await makeStore({ rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 5000, unitCapFen: 0, minOrderFen: 0 });
  const before = await balanceOf({ userId: customer }, "wallet");
  await placePaidOrder(customer, store.id, fen * 2);
  expect(await balanceOf({ userId: customer }, "wallet")).toBe(before + fen);
}

/** Row counts of everything a withdrawal step could write. */
async function writes(): Promise<Record<string, number>> {
  const res = await db.execute<Record<string, number>>(sql`
    select (select count(*) from ledger_transactions)::int as transactions,
           (select count(*) from ledger_entries)::int as entries,
           (select count(*) from withdrawals)::int as withdrawals,
           (select count(*) from audit_log)::int as audit,
           (select coalesce(sum(balance), 0) from accounts)::bigint as balances`);
  return res.rows[0]!;
}

async function expectNoWrites(before: Record<string, number>): Promise<void> {
  expect(await writes()).toEqual(before);
}

const bound = new Map<number, Promise<number>>();
/** A request to the customer's Alipay account (bound once, before their first request). */
async function request(userId: number, amountFen: number) {
  if (!bound.has(userId)) bound.set(userId, bindTestAlipay(userId));
  const payoutAccountId = await bound.get(userId)!;
  return inTransaction((tx) => requestWithdrawal(tx, { userId, amountFen, payoutAccountId }));
}
const approve = (withdrawalId: number, operatorId: number) => inTransaction((tx) => approveWithdrawal(tx, { withdrawalId, operatorId }));
/** Runs the approval's transfer job once, as the worker would (the dev provider: no real one is configured here). */
const send = (w: { id: number; outBillNo: string | null }) => sendWithdrawal({ withdrawalId: w.id, outBillNo: w.outBillNo! });
const reject = (withdrawalId: number, operatorId: number, reason: string) =>
  inTransaction((tx) => rejectWithdrawal(tx, { withdrawalId, operatorId, reason }));

describe("requesting a withdrawal", () => {
  it("moves the amount from the wallet to withdrawals pending, and records the request", async () => {
    const customer = await makeCustomer();
    await fundWallet(customer, 5_000);
    const w = await request(customer, 1_234);
    expect(w).toMatchObject({ userId: customer, amountFen: 1_234, feeFen: 0, status: "requested" });
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(3_766);
    expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(1_234);
    expect(await withdrawalsToday(customer)).toBe(1);
    expect((await customerWithdrawals(customer)).map((x) => [x.id, x.status])).toEqual([[w.id, "requested"]]);
    expect((await pendingWithdrawals()).some((x) => x.id === w.id && x.userId === customer)).toBe(true);
    const [line] = await customerHistory(customer, 2);
    expect(line).toMatchObject({ kind: "withdrawal_requested", account: "withdrawals_pending", amount: 1_234 });
  });

  it("accepts exactly the minimum and exactly the whole wallet", async () => {
    const customer = await makeCustomer();
    await fundWallet(customer, 2_500);
    await request(customer, WITHDRAWAL_RULES.minFen);
    await request(customer, 1_500);
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(0);
    expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(2_500);
  });

  it("refuses below the minimum, more than the wallet, and bad amounts, writing nothing", async () => {
    const customer = await makeCustomer();
    await fundWallet(customer, 5_000);
    bound.set(customer, bindTestAlipay(customer));
    await bound.get(customer);
    const before = await writes();
    await expect(request(customer, 999)).rejects.toMatchObject({ code: "invalid_input", field: "amount" });
    await expect(request(customer, 5_001)).rejects.toMatchObject({ code: "insufficient_funds", field: "amount" });
    await expect(request(customer, 0)).rejects.toMatchObject({ code: "invalid_input", field: "amount" });
    await expect(request(customer, -1_000)).rejects.toMatchObject({ code: "invalid_input", field: "amount" });
    await expect(request(customer, 1_000.5)).rejects.toMatchObject({ code: "invalid_input", field: "amount" });
    await expect(request(customer, WITHDRAWAL_RULES.maxFen + 1)).rejects.toMatchObject({ code: "invalid_input", field: "amount" });
    // An empty wallet refuses even the minimum.
    const empty = await makeCustomer();
    bound.set(empty, bindTestAlipay(empty));
    await bound.get(empty);
    const before2 = await writes();
    await expect(request(empty, 1_000)).rejects.toMatchObject({ code: "insufficient_funds", field: "amount" });
    await expectNoWrites(before2);
    // Binding the second customer's account is the only write between the two.
    expect({ ...before2, audit: before2.audit! - 1 }).toEqual(before);
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(5_000);
  });

  it("refuses the 4th request of the day, writing nothing; yesterday's requests do not count", async () => {
    const customer = await makeCustomer();
    await fundWallet(customer, 10_000);
    for (let i = 0; i < 3; i++) await request(customer, 1_000);
    const before = await writes();
    await expect(request(customer, 1_000)).rejects.toMatchObject({ code: "not_allowed" });
    await expectNoWrites(before);
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(7_000);

    // A rejected request still counts: the limit is on requests made.
    const operator = await makeCustomer("operator");
    const [first] = await customerWithdrawals(customer);
    await reject(first!.id, operator, "测试驳回");
    await expect(request(customer, 1_000)).rejects.toMatchObject({ code: "not_allowed" });

    // Move the three requests to yesterday in China (just before today's Shanghai midnight).
    await db.execute(sql`
      update withdrawals
      set created_at = (date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai') - interval '1 second'
      where user_id = ${customer}`);
    expect(await withdrawalsToday(customer)).toBe(0);
    await request(customer, 1_000);
    expect(await withdrawalsToday(customer)).toBe(1);
  });

  it("10 concurrent requests by one customer: at most 3 succeed and the wallet never goes negative", async () => {
    const customer = await makeCustomer();
    await fundWallet(customer, 5_000);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => request(customer, 1_000)));
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(3);
    for (const r of results) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "not_allowed" });
    }
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(2_000);
    expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(3_000);
    expect(await withdrawalsToday(customer)).toBe(3);
  });

  it("10 concurrent requests against a wallet that covers two: exactly two succeed, wallet stays ≥ 0", async () => {
    const customer = await makeCustomer();
    await fundWallet(customer, 2_500);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => request(customer, 1_000)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    for (const r of results) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "insufficient_funds", field: "amount" });
    }
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(500);
    expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(2_000);
  });
});

describe("the payout account a request names", () => {
  it("must be the customer's own, still bound; it cannot be replaced while a withdrawal to it is open", async () => {
    const customer = await makeCustomer();
    const other = await makeCustomer();
    await fundWallet(customer, 5_000);
    const mine = await bindTestAlipay(customer, "13800001111", "王小明");
    const theirs = await bindTestAlipay(other, "13800002222", "李四");
    const before = await writes();
    const ask = (payoutAccountId: number) => inTransaction((tx) => requestWithdrawal(tx, { userId: customer, amountFen: 1_000, payoutAccountId }));
    await expect(ask(theirs)).rejects.toMatchObject({ code: "invalid_input", message: "payout.chooseAccount", field: "payoutAccountId" });
    await expect(ask(999_999_999)).rejects.toMatchObject({ message: "payout.chooseAccount" });
    await expectNoWrites(before);

    const w = await ask(mine);
    expect(w.payoutAccountId).toBe(mine);
    expect((await customerWithdrawals(customer))[0]!.account).toEqual({ kind: "alipay", masked: "王** · 138****1111" });
    // The money is on its way to this account: it stays until the withdrawal is decided.
    await expect(bindTestAlipay(customer, "13800003333")).rejects.toMatchObject({ code: "not_allowed", message: "payout.openWithdrawal" });
    const operator = await makeCustomer("operator");
    await reject(w.id, operator, "测试驳回");
    const replaced = await bindTestAlipay(customer, "13800003333");
    // The old account is unbound, so a request can no longer name it.
    await expect(ask(mine)).rejects.toMatchObject({ message: "payout.chooseAccount" });
    expect((await ask(replaced)).payoutAccountId).toBe(replaced);
  });
});

describe("binding another account while a request to the old one is being made", () => {
  async function setUp() {
    const customer = await makeCustomer();
    await fundWallet(customer, 5_000);
    const old = await bindTestAlipay(customer, "13800004444", "王小明");
    const s = await Scheduler.open(["A", "B"] as const);
    const ask = (tx: Parameters<typeof requestWithdrawal>[0]) => requestWithdrawal(tx, { userId: customer, amountFen: 1_000, payoutAccountId: old });
    const rebind = (tx: Parameters<typeof requestWithdrawal>[0]) => bindAlipayAccount(tx, customer, { realName: "王小明", alipayAccount: "13800005555" });
    /** No open withdrawal may point at an account that is no longer bound (its money would go there). */
    const openToUnbound = async () =>
      (await db.execute(sql`
        select 1 from withdrawals w join payout_accounts a on a.id = w.payout_account_id
        where w.user_id = ${customer} and w.status::text in ('requested','approved','sending') and a.unbound_at is not null`)).rows.length;
    return { s, ask, rebind, openToUnbound };
  }

  it("the request first: the bind waits for it, then is refused (a withdrawal to the old account is open)", async () => {
    const { s, ask, rebind, openToUnbound } = await setUp();
    try {
      await s.A.begin();
      await s.A.step("request to the old account", ask);
      await s.B.begin();
      const bind = s.B.run("bind another account", rebind);
      expect(await bind.blocks()).toEqual(["A"]);
      await s.A.commit();
      expect(await bind.fails()).toMatchObject({ code: "not_allowed", message: "payout.openWithdrawal" });
      await s.B.rollback();
      expect(await openToUnbound()).toBe(0);
    } finally {
      await s.close();
    }
    await expectLedgerClean();
  });

  it("the bind first: the request waits for it, then is refused (the old account is no longer bound)", async () => {
    const { s, ask, rebind, openToUnbound } = await setUp();
    try {
      await s.B.begin();
      await s.B.step("bind another account", rebind);
      await s.A.begin();
      const request = s.A.run("request to the old account", ask);
      expect(await request.blocks()).toEqual(["B"]);
      await s.B.commit();
      expect(await request.fails()).toMatchObject({ code: "invalid_input", message: "payout.chooseAccount" });
      await s.A.rollback();
      expect(await openToUnbound()).toBe(0);
    } finally {
      await s.close();
    }
    await expectLedgerClean();
  });
});

describe("deciding a withdrawal", () => {
  it("approve: pending to sending with a job; the transfer then pays it out to the rails; exact balances, audited", async () => {
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    await fundWallet(customer, 5_000);
    const w = await request(customer, 3_000);
    const worldBefore = await derivedBalance("world");
    const feesBefore = await derivedBalance("platform_fees");

    const paid = await approve(w.id, operator);
    expect(paid).toMatchObject({ id: w.id, status: "approved", decidedByUserId: operator, reason: null, provider: "dev" });
    expect(paid.outBillNo).toMatch(/^WD\d{10}[2-9A-Z]{8}$/);
    expect(paid.decisionTransactionId).toBeGreaterThan(w.requestTransactionId);
    expect(paid.decidedAt).toBeInstanceOf(Date);
    expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(0);
    expect(await balanceOf({ userId: customer }, "withdrawals_sending")).toBe(3_000);
    expect(await derivedBalance("world")).toBe(worldBefore);
    expect(await send(paid)).toBe("succeeded");
    expect(await balanceOf({ userId: customer }, "withdrawals_sending")).toBe(0);
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(2_000);
    expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(0);
    expect((await derivedBalance("world")) - worldBefore).toBe(3_000);
    expect((await derivedBalance("platform_fees")) - feesBefore).toBe(0);

    const audit = await db.execute<{ actor_user_id: number; action: string; details: Record<string, unknown> }>(
      sql`select actor_user_id, action, details from audit_log where subject_type = 'withdrawal' and subject_id = ${String(w.id)}`,
    );
    expect(audit.rows).toEqual([
      {
        actor_user_id: operator,
        action: "withdrawal.approve",
        details: { userId: customer, amountFen: 3_000, feeFen: 0, transactionId: paid.decisionTransactionId, provider: "dev", outBillNo: paid.outBillNo },
      },
      { actor_user_id: null, action: "withdrawal.paid", details: { userId: customer, amountFen: 3_000, outBillNo: paid.outBillNo, provider: "dev" } },
    ]);
    expect((await decidedWithdrawals()).find((x) => x.id === w.id)).toMatchObject({ status: "paid", decidedByName: "Test" });
    expect((await pendingWithdrawals()).some((x) => x.id === w.id)).toBe(false);
  });

  it("approve with a fee: the world gets amount − fee, platform fees get the fee", async () => {
    const rules = WITHDRAWAL_RULES as { feeBps: number };
    rules.feeBps = 150; // 1.5%
    try {
      const customer = await makeCustomer();
      const operator = await makeCustomer("operator");
      await fundWallet(customer, 5_000);
      const w = await request(customer, 3_333);
      expect(w.feeFen).toBe(49); // floor(3333 × 1.5%) = floor(49.995)
      const worldBefore = await derivedBalance("world");
      const feesBefore = await derivedBalance("platform_fees");
      await send(await approve(w.id, operator));
      expect((await derivedBalance("world")) - worldBefore).toBe(3_333 - 49);
      expect((await derivedBalance("platform_fees")) - feesBefore).toBe(49);
      expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(0);
    } finally {
      rules.feeBps = 0;
    }
  });

  it("reject: the money returns to the wallet, the reason reaches the customer's history and the audit", async () => {
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    await fundWallet(customer, 5_000);
    const w = await request(customer, 2_000);
    const worldBefore = await derivedBalance("world");
    const rejected = await reject(w.id, operator, "  收款账户信息不符  ");
    expect(rejected).toMatchObject({ status: "rejected", reason: "收款账户信息不符", decidedByUserId: operator });
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(5_000);
    expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(0);
    expect(await derivedBalance("world")).toBe(worldBefore);
    const history = await customerHistory(customer, 10);
    expect(history.find((h) => h.kind === "withdrawal_rejected" && h.account === "wallet")).toMatchObject({
      amount: 2_000,
      reason: "收款账户信息不符",
    });
    const audit = await db.execute<{ action: string; reason: string }>(
      sql`select action, reason from audit_log where subject_type = 'withdrawal' and subject_id = ${String(w.id)}`,
    );
    expect(audit.rows).toEqual([{ action: "withdrawal.reject", reason: "收款账户信息不符" }]);
    expect((await customerWithdrawals(customer))[0]).toMatchObject({ status: "rejected", reason: "收款账户信息不符" });
  });

  it("a decided request cannot be decided again, and bad decisions write nothing", async () => {
    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    await fundWallet(customer, 5_000);
    const a = await request(customer, 1_000);
    const b = await request(customer, 1_000);
    await approve(a.id, operator);
    await reject(b.id, operator, "重复申请");

    const before = await writes();
    await expect(approve(a.id, operator)).rejects.toMatchObject({ code: "conflict", field: "withdrawalId" });
    await expect(reject(a.id, operator, "再次驳回")).rejects.toMatchObject({ code: "conflict", field: "withdrawalId" });
    await expect(approve(b.id, operator)).rejects.toMatchObject({ code: "conflict", field: "withdrawalId" });
    await expect(reject(b.id, operator, "再次驳回")).rejects.toMatchObject({ code: "conflict", field: "withdrawalId" });
    await expect(approve(999_999_999, operator)).rejects.toMatchObject({ code: "not_found" });
    await expectNoWrites(before);

    const c = await request(customer, 1_000);
    const before2 = await writes();
    // Reason required, 3..200 characters.
    await expect(reject(c.id, operator, "  ")).rejects.toMatchObject({ code: "invalid_input", field: "reason" });
    await expect(reject(c.id, operator, "no")).rejects.toMatchObject({ code: "invalid_input", field: "reason" });
    await expect(reject(c.id, operator, "长".repeat(201))).rejects.toMatchObject({ code: "invalid_input", field: "reason" });
    // Only operators decide, and never on their own request.
    const merchant = await makeCustomer("merchant");
    await expect(approve(c.id, merchant)).rejects.toMatchObject({ code: "forbidden" });
    await expect(approve(c.id, customer)).rejects.toMatchObject({ code: "forbidden" });
    await expectNoWrites(before2);

    await fundWallet(operator, 1_000);
    const own = await request(operator, 1_000);
    const before3 = await writes();
    await expect(approve(own.id, operator)).rejects.toMatchObject({ code: "forbidden", field: "withdrawalId" });
    await expectNoWrites(before3);
  });

  it("approve and reject racing on one request: exactly one wins, the money moves once", async () => {
    for (let round = 0; round < 5; round++) {
      const customer = await makeCustomer();
      const op1 = await makeCustomer("operator");
      const op2 = await makeCustomer("operator");
      await fundWallet(customer, 3_000);
      const w = await request(customer, 3_000);
      const worldBefore = await derivedBalance("world");
      const results = await Promise.allSettled([
        approve(w.id, op1),
        reject(w.id, op2, "并发驳回"),
        approve(w.id, op2),
        reject(w.id, op1, "并发驳回"),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "conflict" });
      const final = (won[0] as PromiseFulfilledResult<{ status: string }>).value.status;
      expect(await balanceOf({ userId: customer }, "withdrawals_pending")).toBe(0);
      if (final === "approved") expect(await balanceOf({ userId: customer }, "withdrawals_sending")).toBe(3_000);
      expect(await balanceOf({ userId: customer }, "wallet")).toBe(final === "approved" ? 0 : 3_000);
      expect(await derivedBalance("world")).toBe(worldBefore);
      const decisions = await db.execute<{ n: number }>(
        sql`select count(*)::int as n from audit_log where subject_type = 'withdrawal' and subject_id = ${String(w.id)}`,
      );
      expect(decisions.rows[0]!.n).toBe(1);
    }
  });
});

describe("confirming with the password", () => {
  it("accepts the user's own password and refuses a wrong or empty one", async () => {
    const customer = await makeCustomer();
    await db.execute(sql`update ${users} set password_hash = ${await hashPassword("right-pass-2026")} where id = ${customer}`);
    await expect(confirmPassword(db, customer, "right-pass-2026")).resolves.toBeUndefined();
    const before = await writes();
    await expect(confirmPassword(db, customer, "wrong-pass-2026")).rejects.toMatchObject({ code: "forbidden", field: "password" });
    await expect(confirmPassword(db, customer, "")).rejects.toMatchObject({ field: "password" });
    await expect(confirmPassword(db, 999_999_999, "right-pass-2026")).rejects.toMatchObject({ field: "password" });
    await expectNoWrites(before);
  });
});
