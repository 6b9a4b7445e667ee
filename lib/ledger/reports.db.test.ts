import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { balanceOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import {
  accountHistory,
  findAccounts,
  lastPayoutId,
  payoutExportBatch,
  platformAccountList,
  trialBalanceReport,
  type TrialBalance,
} from "./reports";

afterAll(expectLedgerClean);

// Defaults except a 10% target and no split: each ¥100 order puts ¥13 in the pool against a ¥10
// entry, so every order frees itself at once (¥10 to the wallet), and earns 500 points.
const SELF_FREEING = { freeBps: 1000, unitCapFen: 0 };

async function accountId(owner: string, kind: string): Promise<number> {
  const res = await db.execute<{ id: number }>(sql`select id from accounts where ${sql.raw(owner)} and kind = ${kind}`);
  return Number(res.rows[0]!.id);
}

async function username(userId: number): Promise<string> {
  const res = await db.execute<{ username: string }>(sql`select username from users where id = ${userId}`);
  return res.rows[0]!.username;
}

function kindTotal(tb: TrialBalance, kind: string): number {
  return tb.kinds.find((k) => k.kind === kind)?.entriesTotal ?? 0;
}

describe("trialBalanceReport", () => {
  it("balances each asset to zero and moves each kind by exactly what an order posts", async () => {
    const store = await makeStore({ unitCapFen: 0 });
    const customer = await makeCustomer();
    const before = await trialBalanceReport();

    await placePaidOrder(customer, store.id, 10_000); // ¥100 at the defaults
    const after = await trialBalanceReport();

    expect(after.assets).toEqual([
      { asset: "CNY", total: 0, balanced: true },
      { asset: "PTS", total: 0, balanced: true },
    ]);
    const delta = (kind: string) => kindTotal(after, kind) - kindTotal(before, kind);
    // SPEC's worked example: 8000 to the merchant, 200 fee, 500 reserve, 1300 pool; 500 points.
    expect(delta("world")).toBe(-10_000);
    expect(delta("merchant_settlement")).toBe(8_000);
    expect(delta("platform_fees")).toBe(200);
    expect(delta("points_reserve")).toBe(500);
    expect(delta("pool")).toBe(1_300);
    expect(delta("points_issued")).toBe(-500);
    expect(delta("points_locked")).toBe(500);

    for (const k of after.kinds) {
      // Kept kinds: the kept balances add up to their entries (I2); derived kinds keep nothing.
      expect(k.keptTotal).toBe(k.derived ? 0 : k.entriesTotal);
      expect(k.asset).toBe(["points_issued", "points_locked", "points_available"].includes(k.kind) ? "PTS" : "CNY");
    }
  });
});

describe("findAccounts", () => {
  it("finds a customer's accounts by login name, a store's settlement and pool by slug, a pool by queue id, an account by id, platform accounts by kind", async () => {
    const store = await makeStore();
    const customer = await makeCustomer();
    const login = await username(customer);

    const byUser = await findAccounts(login);
    expect(byUser.filter((a) => a.owner.type === "user" && a.owner.userId === customer).map((a) => a.kind).sort()).toEqual(
      ["points_available", "points_locked", "points_reserve", "wallet", "withdrawals_pending"],
    );

    const bySlug = await findAccounts(store.slug.toUpperCase());
    expect(bySlug.map((a) => a.kind).sort()).toEqual(["merchant_settlement", "pool"]);
    expect(bySlug.find((a) => a.kind === "merchant_settlement")!.owner).toEqual({
      type: "merchant",
      merchantId: store.id,
      slug: store.slug,
      name: store.name,
    });

    const byQueue = await findAccounts(String(store.queueId));
    const pool = byQueue.find((a) => a.kind === "pool" && a.owner.type === "queue" && a.owner.queueId === store.queueId);
    expect(pool).toBeDefined();

    const byId = await findAccounts(` ${pool!.id} `);
    expect(byId.map((a) => a.id)).toContain(pool!.id);

    const world = await findAccounts("WORLD");
    expect(world).toHaveLength(1);
    expect(world[0]).toMatchObject({ kind: "world", asset: "CNY", derived: true, owner: { type: "platform" } });
    expect((await platformAccountList()).map((a) => a.kind).sort()).toEqual(["platform_fees", "points_issued", "world"]);
  });

  it("takes LIKE wildcards literally and finds nothing for an empty query", async () => {
    await makeCustomer();
    expect(await findAccounts("")).toEqual([]);
    expect(await findAccounts("   ")).toEqual([]);
    // Fixture names hold no % or _ runs like these: a wildcard would match every account.
    expect(await findAccounts("%")).toEqual([]);
    expect(await findAccounts("____")).toEqual([]);
  });

  it("finds nothing, instead of failing, for text Postgres cannot hold (a NUL)", async () => {
    expect(await findAccounts("\u0000")).toEqual([]);
    expect(await findAccounts("ops\u0000")).toEqual([]);
  });
});

describe("accountHistory", () => {
  it("lists entries newest first with the transaction's kind and order number and a running balance, across pages", async () => {
    const store = await makeStore(SELF_FREEING);
    const customer = await makeCustomer();
    const orderNos: string[] = [];
    for (const yuan of [100, 200, 300]) {
      const paid = await placePaidOrder(customer, store.id, yuan * 100);
      orderNos.push(paid.orderNo);
    }
    const wallet = await accountId(`user_id = ${customer}`, "wallet");
    // Targets 10% of each order: ¥10 + ¥20 + ¥30 freed into the wallet.
    expect(await balanceOf({ userId: customer }, "wallet")).toBe(6_000);

    const full = await accountHistory(wallet);
    expect(full).not.toBeNull();
    expect(full!.account).toMatchObject({ id: wallet, kind: "wallet", asset: "CNY", keptBalance: 6_000, derived: false });
    expect(full!.account.owner).toMatchObject({ type: "user", userId: customer });
    expect(full!.entryCount).toBe(3);
    expect(full!.entriesTotal).toBe(6_000);
    expect(full!.olderCursor).toBeNull();
    expect(full!.rows.map((r) => [r.txKind, r.amount, r.balanceAfter])).toEqual([
      ["queue_payout", 3_000, 6_000],
      ["queue_payout", 2_000, 3_000],
      ["queue_payout", 1_000, 1_000],
    ]);
    expect(full!.rows.every((r) => r.queueId === store.queueId)).toBe(true);

    // The locked points: one order_paid posting per order, each carrying its order number.
    const locked = await accountHistory(await accountId(`user_id = ${customer}`, "points_locked"));
    expect(locked!.rows.map((r) => [r.txKind, r.orderNo, r.amount, r.balanceAfter])).toEqual([
      ["order_paid", orderNos[2], 1_500, 3_000],
      ["order_paid", orderNos[1], 1_000, 1_500],
      ["order_paid", orderNos[0], 500, 500],
    ]);

    // Two to a page: the running balance carries over the page break.
    const p1 = await accountHistory(wallet, { pageSize: 2 });
    expect(p1!.rows.map((r) => r.balanceAfter)).toEqual([6_000, 3_000]);
    expect(p1!.olderCursor).toBe(p1!.rows[1]!.entryId);
    const p2 = await accountHistory(wallet, { pageSize: 2, before: p1!.olderCursor! });
    expect(p2!.rows.map((r) => [r.amount, r.balanceAfter])).toEqual([[1_000, 1_000]]);
    expect(p2!.olderCursor).toBeNull();
    expect([...p1!.rows, ...p2!.rows]).toEqual(full!.rows);
  });

  it("derives a platform account's balance from its entries, and says null for an unknown account", async () => {
    const world = (await findAccounts("world"))[0]!;
    const h = await accountHistory(world.id, { pageSize: 5 });
    const res = await db.execute<{ total: number; n: number }>(
      sql`select coalesce(sum(amount), 0)::bigint as total, count(*)::bigint as n from ledger_entries where account_id = ${world.id}`,
    );
    expect(h!.entriesTotal).toBe(Number(res.rows[0]!.total));
    expect(h!.entryCount).toBe(Number(res.rows[0]!.n));
    expect(h!.account.keptBalance).toBe(0);
    expect(h!.rows[0]!.balanceAfter).toBe(h!.entriesTotal);
    expect(await accountHistory(987_654_321)).toBeNull();
  });
});

describe("payoutExportBatch", () => {
  it("returns each payout with its queue, entry, customer, order and transaction, keyset-paged and filtered by time", async () => {
    const store = await makeStore(SELF_FREEING);
    const customer = await makeCustomer();
    const start = await lastPayoutId();
    const a = await placePaidOrder(customer, store.id, 10_000);
    const b = await placePaidOrder(customer, store.id, 25_000);
    const upToId = await lastPayoutId();
    expect(upToId - start).toBe(2);

    const all = await payoutExportBatch({ afterId: start, upToId, limit: 10 });
    expect(all.map((p) => [p.orderNo, p.amountFen, p.kind, p.queueId, p.customerId, p.position])).toEqual([
      [a.orderNo, 1_000, "fifo", store.queueId, customer, 1],
      [b.orderNo, 2_500, "fifo", store.queueId, customer, 2],
    ]);
    expect(all[0]!.queueName).toBe(store.name);
    expect(all[0]!.customerName).toBe("Test");
    const tx = await db.execute<{ kind: string }>(sql`select kind::text as kind from ledger_transactions where id = ${all[0]!.transactionId}`);
    expect(tx.rows[0]!.kind).toBe("queue_payout");

    // Keyset: one at a time, then nothing past upToId.
    const first = await payoutExportBatch({ afterId: start, upToId, limit: 1 });
    const second = await payoutExportBatch({ afterId: first[0]!.payoutId, upToId, limit: 1 });
    expect([...first, ...second]).toEqual(all);
    expect(await payoutExportBatch({ afterId: upToId, upToId, limit: 10 })).toEqual([]);

    // Time filters: from is inclusive, until exclusive.
    const t0 = all[0]!.createdAt;
    const future = new Date(Date.now() + 3_600_000);
    expect(await payoutExportBatch({ afterId: start, upToId, limit: 10, from: future })).toEqual([]);
    expect(await payoutExportBatch({ afterId: start, upToId, limit: 10, until: t0 })).toEqual([]);
    expect((await payoutExportBatch({ afterId: start, upToId, limit: 10, from: t0, until: future })).length).toBe(2);
  });
});
