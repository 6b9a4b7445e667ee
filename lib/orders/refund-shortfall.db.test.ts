import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { post } from "@/lib/ledger";
import { drainQueue } from "@/lib/queue/drain";
import { balanceOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { verifyLedger } from "@/lib/ledger/verify";
import { refundOrder } from "./refund";
import { sendRefund } from "./refund-provider";

afterAll(expectLedgerClean);

/** The legs of an order's ledger transaction of one kind, by account kind (each kind appears once in these). */
async function legsByKind(orderId: number, kind: string): Promise<Record<string, number> | null> {
  const res = await db.execute<{ account: string; amount: number }>(sql`
    select a.kind::text as account, e.amount from ledger_transactions t
    join ledger_entries e on e.transaction_id = t.id join accounts a on a.id = e.account_id
    where t.order_id = ${orderId} and t.kind = ${kind}`);
  if (res.rows.length === 0) return null;
  return Object.fromEntries(res.rows.map((r) => [r.account, Number(r.amount)]));
}

async function refundAsOperator(orderId: number) {
  const operator = await makeCustomer("operator");
  return inTransaction((tx) => refundOrder(tx, { orderId, actor: { userId: operator, role: "operator" }, reason: "测试" }));
}

async function sendFor(orderId: number) {
  const [r] = (await db.execute<{ id: number; out_refund_no: string }>(sql`select id, out_refund_no from payment_refunds where order_id = ${orderId}`)).rows;
  return sendRefund({ refundId: Number(r!.id), outRefundNo: r!.out_refund_no });
}

// A store whose whole rebate (50%) fills the pool: no fee, no points, so each case's legs are few.
const HALF_TO_POOL = { payoutMode: "manual", unitCapFen: 0, rebateBps: 5000, platformFeeBps: 0, pointsBps: 0 } as const;

describe("a refund when the pool no longer holds the order's pool share (SPEC: Refunding an order)", () => {
  it("pool covers all: no shortfall, the reversal is the purchase's exact reverse, the cash owed until sent", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const customer = await makeCustomer();
    // ¥100.00: rebate 2000, fee 200, points 500, pool 1300; the merchant keeps 8000.
    const paid = await placePaidOrder(customer, store.id, 10_000);
    const r = await refundAsOperator(paid.orderId);
    expect(r).toMatchObject({ shortfallFen: 0, refundedFen: 10_000, refundStatus: "pending" });
    expect(await legsByKind(paid.orderId, "refund_shortfall")).toBeNull();
    expect(await legsByKind(paid.orderId, "order_paid")).toEqual({
      world: -10_000,
      merchant_settlement: 8000,
      platform_fees: 200,
      points_reserve: 500,
      pool: 1300,
      points_issued: -500,
      points_locked: 500,
    });
    expect(await legsByKind(paid.orderId, "order_refund")).toEqual({
      refunds_pending: 10_000,
      merchant_settlement: -8000,
      platform_fees: -200,
      points_reserve: -500,
      pool: -1300,
      points_issued: 500,
      points_locked: -500,
    });
    expect(await sendFor(paid.orderId)).toBe("succeeded");
    expect(await legsByKind(paid.orderId, "refund_sent")).toEqual({ refunds_pending: -10_000, world: 10_000 });
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(0);
    await expectLedgerClean();
  });

  it("pool covers part: the settlement tops the pool up by the difference first", async () => {
    const store = await makeStore(HALF_TO_POOL);
    const a = await makeCustomer();
    const b = await makeCustomer();
    await placePaidOrder(a, store.id, 1000); // T 1000, pool 500
    const late = await placePaidOrder(b, store.id, 1200); // T 1200, share 600: pool 1100
    await drainQueue(store.queueId!); // pays the ¥10 head: pool 100
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(100);
    const settlementBefore = await balanceOf({ merchantId: store.id }, "merchant_settlement"); // 500 + 600

    const r = await refundAsOperator(late.orderId);
    expect(r).toMatchObject({ shortfallFen: 500, refundedFen: 1200 });
    expect(await legsByKind(late.orderId, "refund_shortfall")).toEqual({ merchant_settlement: -500, pool: 500 });
    expect(await legsByKind(late.orderId, "order_refund")).toEqual({ refunds_pending: 1200, merchant_settlement: -600, pool: -600 });
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(0);
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(settlementBefore - 1100);
    expect(await balanceOf({ userId: b }, "refunds_pending")).toBe(1200);
    await expectLedgerClean();
  });

  it("pool covers none: the settlement covers the whole share", async () => {
    const store = await makeStore(HALF_TO_POOL);
    const a = await makeCustomer();
    const b = await makeCustomer();
    await placePaidOrder(a, store.id, 1000); // pool 500
    const late = await placePaidOrder(b, store.id, 1000); // pool 1000
    await drainQueue(store.queueId!); // pays the first: pool 0
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(0);
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(1000);

    const r = await refundAsOperator(late.orderId);
    expect(r).toMatchObject({ shortfallFen: 500, refundedFen: 1000 });
    expect(await legsByKind(late.orderId, "refund_shortfall")).toEqual({ merchant_settlement: -500, pool: 500 });
    expect(await legsByKind(late.orderId, "order_refund")).toEqual({ refunds_pending: 1000, merchant_settlement: -500, pool: -500 });
    // 1000 − 500 (its own part of the order) − 500 (the pool's shortfall).
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(0);
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(0);
    await expectLedgerClean();
  });

  it("the shortfall may take the settlement below zero: the store owes the platform, and its next settlements repay it", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const a = await makeCustomer();
    const b = await makeCustomer();
    await placePaidOrder(a, store.id, 10_000); // T 10000, pool 1300, settlement 8000
    const big = await placePaidOrder(b, store.id, 70_000); // share 9100: pool 10400, settlement 64000
    await drainQueue(store.queueId!); // pays a's ¥100: pool 400
    const r = await refundAsOperator(big.orderId);
    expect(r).toMatchObject({ shortfallFen: 8700, refundedFen: 70_000 });
    expect(await legsByKind(big.orderId, "refund_shortfall")).toEqual({ merchant_settlement: -8700, pool: 8700 });
    // 64000 − 56000 (the merchant's part of ¥700) − 8700: the store owes ¥7.00.
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(-700);
    await expectLedgerClean();
    // The next order's settlement repays it first: nothing else is posted.
    await placePaidOrder(a, store.id, 1000);
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(100);
    await expectLedgerClean();
  });

  it("no other posting may take a settlement below zero, and ledger:verify would say so", async () => {
    const store = await makeStore(HALF_TO_POOL);
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 1000); // settlement 500
    const [acc] = (await db.execute<{ id: number }>(sql`select id from accounts where merchant_id = ${store.id} and kind = 'merchant_settlement'`)).rows;
    const [wallet] = (await db.execute<{ id: number }>(sql`select id from accounts where user_id = ${customer} and kind = 'wallet'`)).rows;
    const legs = [
      { accountId: Number(acc!.id), asset: "CNY" as const, amount: -600 },
      { accountId: Number(wallet!.id), asset: "CNY" as const, amount: 600 },
    ];
    await expect(inTransaction((tx) => post(tx, { kind: "points_adjustment", legs }))).rejects.toMatchObject({ code: "insufficient_funds" });
    // Bypassing post() (inside a transaction that is rolled back), I3 reports it.
    await expect(
      db.transaction(async (tx) => {
        const t = await tx.execute<{ id: number }>(sql`insert into ledger_transactions (kind) values ('points_adjustment') returning id`);
        const id = Number(t.rows[0]!.id);
        for (const l of legs) {
          await tx.execute(sql`insert into ledger_entries (transaction_id, account_id, asset, amount) values (${id}, ${l.accountId}, 'CNY', ${l.amount})`);
          await tx.execute(sql`update accounts set balance = balance + ${l.amount} where id = ${l.accountId}`);
        }
        const i3 = (await verifyLedger(tx)).find((r) => r.id === "I3")!;
        expect(i3.violations).toBe(1);
        expect(i3.examples[0]).toMatch(/points_adjustment/);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await expectLedgerClean();
  });

  it("concurrent refunds with shortfalls, payments and a drain on one store: every refund goes through, the money adds up, the ledger is clean", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const head = await makeCustomer();
    await placePaidOrder(head, store.id, 10_000); // T 10000, pool 1300
    const waiting: number[] = [];
    for (let i = 0; i < 7; i++) waiting.push((await placePaidOrder(await makeCustomer(), store.id, 10_000)).orderId); // pool 10400
    await drainQueue(store.queueId!); // pays the head: pool 400, and 7 orders whose shares are mostly gone
    const pool0 = await balanceOf({ queueId: store.queueId! }, "pool");
    const settlement0 = await balanceOf({ merchantId: store.id }, "merchant_settlement");
    expect(pool0).toBe(400);

    const buyer = await makeCustomer();
    const operator = await makeCustomer("operator");
    const results = await Promise.allSettled([
      ...waiting.map((orderId) =>
        inTransaction((tx) => refundOrder(tx, { orderId, actor: { userId: operator, role: "operator" }, reason: "并发" })),
      ),
      // Two payments (¥50: pool +650, settlement +4000 each) and a drain race the refunds.
      placePaidOrder(buyer, store.id, 5000, { drain: false }),
      placePaidOrder(buyer, store.id, 5000, { drain: false }),
      drainQueue(store.queueId!),
    ]);
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const refunds = results.slice(0, waiting.length).map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof refundOrder>>>).value);
    const shortfall = refunds.reduce((sum, r) => sum + r.shortfallFen, 0);
    // Each refund takes its whole share (1300) from the pool, the settlement having covered what was missing.
    const pool = await balanceOf({ queueId: store.queueId! }, "pool");
    expect(pool).toBe(pool0 + 2 * 650 + shortfall - 7 * 1300);
    expect(pool).toBeGreaterThanOrEqual(0);
    expect(shortfall).toBeGreaterThanOrEqual(7 * 1300 - pool0 - 2 * 650);
    expect(shortfall).toBeLessThanOrEqual(7 * 1300 - pool0);
    expect(await balanceOf({ merchantId: store.id }, "merchant_settlement")).toBe(settlement0 + 2 * 4000 - 7 * 8000 - shortfall);
    const statuses = await db.execute<{ status: string; n: number }>(sql`
      select status, count(*)::int as n from queue_entries where queue_id = ${store.queueId!} group by status order by status`);
    expect(Object.fromEntries(statuses.rows.map((r) => [r.status, Number(r.n)]))).toEqual({ cancelled: 7, paid: 1, waiting: 2 });
    await expectLedgerClean();
  });

  it("ledger:verify I10 catches a refund that is not the purchase's exact reverse, or a shortfall that is not settlement to pool", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const customer = await makeCustomer();
    const refunded = await placePaidOrder(customer, store.id, 10_000);
    await refundAsOperator(refunded.orderId);
    const other = await placePaidOrder(customer, store.id, 10_000);
    const ids = async (owner: string) => Number((await db.execute<{ id: number }>(sql.raw(`select id from accounts where ${owner}`))).rows[0]!.id);
    const settlement = await ids(`merchant_id = ${store.id} and kind = 'merchant_settlement'`);
    const wallet = await ids(`user_id = ${customer} and kind = 'wallet'`);
    const pool = await ids(`queue_id = ${store.queueId!} and kind = 'pool'`);
    const i10 = async (kind: "refund_shortfall" | "order_refund", orderId: number, legs: [number, number][]) => {
      let found: { violations: number; examples: string[] } | undefined;
      await expect(
        db.transaction(async (tx) => {
          await post(tx, { kind, orderId, queueId: store.queueId!, legs: legs.map(([accountId, amount]) => ({ accountId, asset: "CNY", amount })) });
          found = (await verifyLedger(tx)).find((r) => r.id === "I10");
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      return found!;
    };
    // A "shortfall" paid to a wallet instead of the pool.
    const bad = await i10("refund_shortfall", refunded.orderId, [[settlement, -100], [wallet, 100]]);
    expect(bad.examples.join("; ")).toMatch(/shortfall tx \d+ is not settlement to pool/);
    // A "refund" of a paid order that only moves its pool share back to the store.
    const partial = await i10("order_refund", other.orderId, [[pool, -1300], [settlement, 1300]]);
    expect(partial.examples.join("; ")).toMatch(/refund does not reverse the purchase/);
    await expectLedgerClean();
  });
});
