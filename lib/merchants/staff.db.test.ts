import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { merchantStaff } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { recordTillOrder } from "@/lib/api/till";
import { DomainError } from "@/lib/errors";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { acceptInvite, createInvite, inviteCodeSchema, revokeStaff, staffOf, withdrawInvite } from "./staff";

afterAll(expectLedgerClean);

const invite = (merchantId: number, ownerUserId: number, now?: Date) => inTransaction((tx) => createInvite(tx, { merchantId, ownerUserId, now }));
const accept = (userId: number, code: string, now?: Date) => inTransaction((tx) => acceptInvite(tx, { userId, code, now }));

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return (e as DomainError).message;
}

describe("cashier invitations", () => {
  it("a code is used once, by the person who accepts it, and the owner can revoke them", async () => {
    const store = await makeStore();
    const cashier = await makeCustomer();
    const other = await makeCustomer();
    const { code } = await invite(store.id, store.ownerUserId);
    // Typed in lower case with dashes, it is the same code.
    const typed = inviteCodeSchema.parse(code.toLowerCase().replace(/(.{4})/g, "$1-"));
    expect(await accept(cashier, typed)).toEqual({ merchantId: store.id, storeName: store.name });
    expect(await refusal(accept(other, code))).toBe("staff.inviteNotFound");

    const listed = await staffOf(store.id);
    expect(listed.staff.map((s) => s.userId)).toEqual([cashier]);
    expect(listed.invites).toEqual([]);

    // Another store's owner cannot revoke this cashier.
    const elsewhere = await makeStore();
    expect(await refusal(inTransaction((tx) => revokeStaff(tx, { merchantId: elsewhere.id, ownerUserId: elsewhere.ownerUserId, staffId: listed.staff[0]!.id })))).toBe(
      "staff.notFound",
    );
    await inTransaction((tx) => revokeStaff(tx, { merchantId: store.id, ownerUserId: store.ownerUserId, staffId: listed.staff[0]!.id }));
    const [row] = await db.select().from(merchantStaff).where(eq(merchantStaff.userId, cashier));
    expect(row!.revokedAt).not.toBeNull();
    // Revoked, they may be invited again (here or elsewhere).
    const again = await invite(elsewhere.id, elsewhere.ownerUserId);
    expect((await accept(cashier, again.code)).merchantId).toBe(elsewhere.id);
  });

  it("refuses owners, operators, a cashier of another store, expired and withdrawn codes", async () => {
    const store = await makeStore();
    const other = await makeStore();
    const now = new Date();
    const a = await invite(store.id, store.ownerUserId, now);
    expect(await refusal(accept(other.ownerUserId, a.code))).toBe("staff.ownerCannotJoin");
    expect(await refusal(accept(await makeCustomer("operator"), a.code))).toBe("staff.operatorCannotJoin");

    const cashier = await makeCustomer();
    await accept(cashier, (await invite(other.id, other.ownerUserId)).code);
    expect(await refusal(accept(cashier, a.code))).toBe("staff.alreadyElsewhere");

    const late = new Date(now.getTime() + 8 * 24 * 3600_000);
    expect(await refusal(accept(await makeCustomer(), a.code, late))).toBe("staff.inviteNotFound");

    const b = await invite(store.id, store.ownerUserId);
    await inTransaction((tx) => withdrawInvite(tx, { merchantId: store.id, ownerUserId: store.ownerUserId, inviteId: b.id }));
    expect(await refusal(accept(await makeCustomer(), b.code))).toBe("staff.inviteNotFound");
    // The refusals wrote nothing: the store still has no cashier.
    expect((await staffOf(store.id)).staff).toEqual([]);
  });

  it("two people racing for one code: exactly one joins", async () => {
    const store = await makeStore();
    const { code } = await invite(store.id, store.ownerUserId);
    const people = await Promise.all([makeCustomer(), makeCustomer()]);
    const results = await Promise.allSettled(people.map((p) => accept(p, code)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await staffOf(store.id)).staff).toHaveLength(1);
  });
});

describe("till orders", () => {
  it("books a paid order through the POS path; the same request key returns the first order", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const customer = await makeCustomer();
    const [{ username }] = (await db.execute<{ username: string }>(sql`select username from users where id = ${customer}`)).rows as [{ username: string }];
    const args = { merchantId: store.id, userId: store.ownerUserId, customer: username.toUpperCase(), amountFen: 8800, requestKey: "till-test-0001" };
    const first = await inTransaction((tx) => recordTillOrder(tx, args));
    expect(first.replayed).toBe(false);
    expect(first.order.amount_fen).toBe(8800);
    const again = await inTransaction((tx) => recordTillOrder(tx, args));
    expect(again).toEqual({ order: first.order, replayed: true });
    const n = await db.execute<{ n: number }>(sql`select count(*)::int as n from orders where merchant_id = ${store.id}`);
    expect(n.rows[0]!.n).toBe(1);
    expect(await refusal(inTransaction((tx) => recordTillOrder(tx, { ...args, amountFen: 100 })))).toBe("till.resubmitted");
    expect(await refusal(inTransaction((tx) => recordTillOrder(tx, { ...args, customer: "nobody-here", requestKey: "till-test-0002" })))).toBe(
      "till.unknownCustomer",
    );
  });
});
