import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { createPosOrder, posOrderSchema, type PosOrderInput } from "@/lib/api/orders";
import { recordConsent } from "@/lib/auth/consent";
import { registerCustomer, verifyCredentials } from "@/lib/auth/users";
import { isDomainError } from "@/lib/errors";
import { createPendingOrder } from "@/lib/orders/create";
import { balanceOf, makeCustomer, makeStore, placePaidOrder, releasePointsNow } from "@/lib/testing/fixtures";
import { Scheduler } from "@/lib/testing/interleave";
import { expectLedgerClean } from "@/lib/testing/verify";
import { bindAlipayAccount } from "@/lib/wallet/payout-accounts";
import { sendWithdrawal } from "@/lib/wallet/withdrawal-transfer";
import { requestWithdrawal } from "@/lib/wallet/withdrawals";
import { deleteAccount, deletionPreview, PERSONAL_DATA_STEPS } from "./deletion";
import { admitExport, personalData } from "./export";

let open: Scheduler | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});
afterEach(expectLedgerClean);

const del = (userId: number) => inTransaction((tx) => deleteAccount(tx, userId));

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isDomainError(e)) return e.message;
    throw e;
  }
  throw new Error("expected a refusal");
}

/** Row counts and balances of everything a deletion could write. */
async function writes(): Promise<Record<string, number>> {
  const res = await db.execute<Record<string, number>>(sql`
    select (select count(*) from ledger_transactions)::int as transactions,
           (select count(*) from audit_log)::int as audit,
           (select count(*) from users where deleted_at is not null)::int as deleted,
           (select coalesce(sum(balance), 0) from accounts)::bigint as balances,
           (select coalesce(sum(remaining), 0) from points_lots)::bigint as lots`);
  return res.rows[0]!;
}

/** A store whose pool never covers an entry at once: every paid order leaves a waiting entry. */
const slowStore = () => makeStore({ rebateBps: 1000, platformFeeBps: 0, pointsBps: 1000, freeBps: 10000, unitCapFen: 0, minOrderFen: 0 });
/** A store whose pool pays each order's own entry at once (target = pool): the wallet gets money. */
const fastStore = () => makeStore({ rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 5000, unitCapFen: 0, minOrderFen: 0 });

describe("deleting an account is refused while money is in flight", () => {
  it("refuses with a waiting entry, and shows what leaving it pays", async () => {
    const c = await makeCustomer();
    const store = await slowStore();
    await placePaidOrder(c, store.id, 10_000);
    const preview = await deletionPreview(c);
    expect(preview.blockers).toEqual([{ kind: "waiting", count: 1 }]);
    expect(preview.waiting).toHaveLength(1);
    expect(preview.waiting[0]!.targetFen).toBe(10_000);
    const before = await writes();
    expect(await refusal(del(c))).toBe("privacy.deleteWaiting");
    expect(await writes()).toEqual(before);
  });

  it("refuses with money in the wallet, then with a withdrawal in progress", async () => {
    const c = await makeCustomer();
    await placePaidOrder(c, (await fastStore()).id, 4_000);
    expect(await balanceOf({ userId: c }, "wallet")).toBe(2_000);
    let before = await writes();
    expect(await refusal(del(c))).toBe("privacy.deleteWallet");
    expect(await writes()).toEqual(before);

    const account = await inTransaction((tx) => bindAlipayAccount(tx, c, { realName: "张三", alipayAccount: "13800138000" }));
    const w = await inTransaction((tx) => requestWithdrawal(tx, { userId: c, amountFen: 2_000, payoutAccountId: account.id }));
    before = await writes();
    expect(await refusal(del(c))).toBe("privacy.deleteWithdrawal");
    expect(await writes()).toEqual(before);

    // Approved, its transfer not yet made: the money is on its way, and may still come back.
    const { approveWithdrawal } = await import("@/lib/wallet/withdrawals");
    const op = await makeCustomer("operator");
    await inTransaction((tx) => approveWithdrawal(tx, { withdrawalId: w.id, operatorId: op }));
    before = await writes();
    expect(await refusal(del(c))).toBe("privacy.deleteWithdrawal");
    expect(await writes()).toEqual(before);
  });

  it("refuses with an order awaiting payment, and for the owner of an open store", async () => {
    const c = await makeCustomer();
    const store = await slowStore();
    await inTransaction((tx) => createPendingOrder(tx, { customerId: c, merchantId: store.id, amountFen: 5_000, idempotencyKey: randomUUID(), provider: "dev" }));
    expect(await refusal(del(c))).toBe("privacy.deletePendingOrder");
    expect(await refusal(del(store.ownerUserId))).toBe("privacy.deleteStore");
  });

  it("refuses a second deletion", async () => {
    const c = await makeCustomer();
    await del(c);
    expect(await refusal(del(c))).toBe("privacy.accountDeleted");
  });
});

/** Every text and json column of every table, as (table, column). */
async function textColumns(): Promise<{ table: string; column: string }[]> {
  const res = await db.execute<{ table_name: string; column_name: string }>(sql`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'character varying', 'character', 'json', 'jsonb')`);
  return res.rows.map((r) => ({ table: r.table_name, column: r.column_name }));
}

/** The tables and columns in which `needle` appears anywhere. */
async function foundIn(needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const { table, column } of await textColumns()) {
    const res = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from ${sql.identifier(table)} where strpos(${sql.identifier(column)}::text, ${needle}) > 0`,
    );
    if (Number(res.rows[0]!.n) > 0) hits.push(`${table}.${column}`);
  }
  return hits;
}

describe("a deletion", () => {
  it("forfeits the points, erases every personal field, ends sign-in, and keeps the ledger balanced", async () => {
    const phone = `139${String(Date.now()).slice(-8)}`;
    // Letters only: the same name is bound as the real name of a payout account.
    const name = `Zhang ${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("")}`;
    const password = "delete-me-please-2026";
    const user = await inTransaction((tx) => registerCustomer(tx, { identifier: phone, password, displayName: name }));
    await recordConsent(db, user.id);
    // A browser subscribed to pushes, and the sign-up's SMS code is kept by the phone number.
    await db.execute(sql`insert into push_subscriptions (user_id, endpoint, p256dh, auth)
      values (${user.id}, ${`https://push.example/${phone}`}, ${"B".repeat(87)}, ${"a".repeat(22)})`);
    // A failed sign-in leaves a counter keyed by the phone number.
    await db.execute(sql`insert into auth_throttles (key, failures) values (${`account:${phone}`}, 1)`);
    const store = await slowStore();
    // The person's entry is paid out when a second customer's order fills the pool.
    await placePaidOrder(user.id, store.id, 10_000);
    const other = await makeCustomer();
    await placePaidOrder(other, store.id, 200_000);
    expect((await deletionPreview(user.id)).blockers).toEqual([{ kind: "wallet", amountFen: 10_000 }]);
    // The wallet money leaves through a paid-out withdrawal.
    // The wallet money leaves through a withdrawal to an Alipay account in the person's own name and
    // phone number, paid by the (dev) provider: the account row is personal data too.
    const account = await inTransaction((tx) => bindAlipayAccount(tx, user.id, { realName: name, alipayAccount: phone }));
    const w = await inTransaction((tx) => requestWithdrawal(tx, { userId: user.id, amountFen: 10_000, payoutAccountId: account.id }));
    const op = await makeCustomer("operator");
    const { approveWithdrawal } = await import("@/lib/wallet/withdrawals");
    const approved = await inTransaction((tx) => approveWithdrawal(tx, { withdrawalId: w.id, operatorId: op }));
    expect(await sendWithdrawal({ withdrawalId: approved.id, outBillNo: approved.outBillNo! })).toBe("succeeded");
    // Points: some earned (locked), part of them released (available).
    const earned = await balanceOf({ userId: user.id }, "points_locked");
    expect(earned).toBeGreaterThan(1);
    await releasePointsNow(user.id, Math.floor(earned / 2));
    expect(await balanceOf({ userId: user.id }, "points_available")).toBe(Math.floor(earned / 2));
    expect((await foundIn(phone)).length).toBeGreaterThan(0);
    expect((await foundIn(name)).sort()).toEqual(["payout_accounts.real_name", "users.display_name"]);
    // An export is in the audit log, and mentions neither.
    await inTransaction((tx) => admitExport(tx, user.id, "json"));
    const data = await personalData(user.id);
    expect(data.profile).toMatchObject({ phone, display_name: name });

    const deletion = await del(user.id);
    expect(deletion.pointsForfeited).toBe(earned);

    expect(await foundIn(phone)).toEqual([]);
    expect(await foundIn(name)).toEqual([]);
    const left = await db.execute<{ n: number }>(sql`
      select (select count(*) from push_subscriptions where user_id = ${user.id})
           + (select count(*) from notifications where user_id = ${user.id})
           + (select count(*) from notification_mutes where user_id = ${user.id})::int as n`);
    expect(Number(left.rows[0]!.n)).toBe(0);
    for (const kind of ["points_locked", "points_available", "points_reserve", "wallet"]) {
      expect(await balanceOf({ userId: user.id }, kind)).toBe(0);
    }
    const forfeit = await db.execute<{ kind: string }>(sql`select kind from ledger_transactions where id = ${deletion.forfeitTransactionId}`);
    expect(forfeit.rows[0]!.kind).toBe("points_forfeit");
    // The kept records still point at the (now anonymous) user id.
    const kept = await db.execute<{ orders: number; withdrawals: number; username: string; phone: string | null; role: string }>(sql`
      select (select count(*) from orders where customer_id = ${user.id})::int as orders,
             (select count(*) from withdrawals where user_id = ${user.id})::int as withdrawals,
             username, phone, role from users where id = ${user.id}`);
    expect(kept.rows[0]).toEqual({ orders: 1, withdrawals: 1, username: `deleted-${user.id}`, phone: null, role: "customer" });
    expect(await verifyCredentials(db, phone, password)).toBeNull();
    expect(await verifyCredentials(db, `deleted-${user.id}`, password)).toBeNull();
    // The name and phone are free for someone new.
    await inTransaction((tx) => registerCustomer(tx, { identifier: phone, password, displayName: name }));
  });

  it("lists one step per personal table, each an existing table", async () => {
    const tables = (await db.execute<{ t: string }>(sql`select table_name as t from information_schema.tables where table_schema = 'public'`)).rows.map((r) => r.t);
    for (const step of PERSONAL_DATA_STEPS) expect(tables).toContain(step.table);
  });
});

describe("a deletion racing an order", () => {
  it("an order being created holds the deletion off, which then refuses (the order awaits payment)", async () => {
    const c = await makeCustomer();
    const store = await slowStore();
    const s = await Scheduler.open(["order", "deletion"]);
    open = s;
    await s.order.begin();
    await s.order.step("create", (tx) => createPendingOrder(tx, { customerId: c, merchantId: store.id, amountFen: 5_000, idempotencyKey: randomUUID(), provider: "dev" }));
    await s.deletion.begin();
    const deletion = s.deletion.run("delete", (tx) => deleteAccount(tx, c));
    expect(await deletion.blocks()).toEqual(["order"]);
    await s.order.commit();
    const err = await deletion.fails();
    expect(isDomainError(err) && err.message).toBe("privacy.deletePendingOrder");
  });

  it("a deletion holds an order off, which then refuses: no order for a deleted account", async () => {
    const c = await makeCustomer();
    const store = await slowStore();
    const s = await Scheduler.open(["order", "deletion"]);
    open = s;
    await s.deletion.begin();
    await s.deletion.step("delete", (tx) => deleteAccount(tx, c));
    await s.order.begin();
    const order = s.order.run("create", (tx) => createPendingOrder(tx, { customerId: c, merchantId: store.id, amountFen: 5_000, idempotencyKey: randomUUID(), provider: "dev" }));
    expect(await order.blocks()).toEqual(["deletion"]);
    await s.deletion.commit();
    const err = await order.fails();
    expect(isDomainError(err) && err.message).toBe("privacy.accountDeleted");
  });

  it("a deletion holds a POS order off, which then refuses: the order's insert locks the customer and reads the deletion", async () => {
    const c = await makeCustomer();
    const store = await slowStore();
    const username = (await db.execute<{ u: string }>(sql`select username as u from users where id = ${c}`)).rows[0]!.u;
    const s = await Scheduler.open(["order", "deletion"]);
    open = s;
    await s.deletion.begin();
    await s.deletion.step("delete", (tx) => deleteAccount(tx, c));
    await s.order.begin();
    const order = s.order.run("pos", (tx) =>
      createPosOrder(tx, { merchantId: store.id, idempotencyKey: randomUUID(), input: posOrderSchema.parse({ customer: username, amount_fen: 4_000 }) as PosOrderInput }),
    );
    expect(await order.blocks()).toEqual(["deletion"]);
    await s.deletion.commit();
    const err = await order.fails();
    expect(isDomainError(err) && err.message).toBe("privacy.accountDeleted");
  });

  it("concurrent POS orders and web payments against a deletion never leave money with a deleted account", async () => {
    const store = await slowStore();
    for (let round = 0; round < 8; round += 1) {
      const c = await makeCustomer();
      const username = (await db.execute<{ u: string }>(sql`select username as u from users where id = ${c}`)).rows[0]!.u;
      const { order } = await inTransaction((tx) =>
        createPendingOrder(tx, { customerId: c, merchantId: store.id, amountFen: 3_000, idempotencyKey: randomUUID(), provider: "dev" }),
      );
      // The pending order is cancelled so the deletion may go ahead; the POS order and the deletion race.
      await db.execute(sql`update orders set status = 'cancelled', closed_at = now() where id = ${order.id}`);
      const pos = inTransaction((tx) =>
        createPosOrder(tx, { merchantId: store.id, idempotencyKey: randomUUID(), input: posOrderSchema.parse({ customer: username, amount_fen: 4_000 }) as PosOrderInput }),
      );
      const deletion = del(c);
      const [p, d] = await Promise.allSettled([pos, deletion]);
      // Exactly one wins: the order (and the deletion refuses, the entry waiting) or the deletion.
      expect([p.status, d.status].sort()).toEqual(["fulfilled", "rejected"]);
      const state = await db.execute<{ deleted: boolean; waiting: number; paid: number; money: number }>(sql`
        select u.deleted_at is not null as deleted,
               (select count(*) from queue_entries where customer_id = u.id and status = 'waiting')::int as waiting,
               (select count(*) from orders where customer_id = u.id and status = 'paid')::int as paid,
               (select coalesce(sum(balance), 0) from accounts where user_id = u.id)::bigint as money
        from users u where u.id = ${c}`);
      const st = state.rows[0]!;
      if (st.deleted) {
        expect({ waiting: st.waiting, paid: st.paid, money: Number(st.money) }).toEqual({ waiting: 0, paid: 0, money: 0 });
      } else {
        expect(st.paid).toBe(1);
        expect(d.status === "rejected" && isDomainError(d.reason) && d.reason.message).toBe("privacy.deleteWaiting");
      }
    }
  });
});
