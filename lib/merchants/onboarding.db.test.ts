import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { merchants, users } from "@/db/schema";
import { translateError } from "@/i18n/errors";
import type { DomainError } from "@/lib/errors";
import { makeCustomer, makeStore, placePaidOrder, SAMPLE_APPLICATION } from "@/lib/testing/fixtures";
import { RuleValidationError } from "@/lib/rules/versions";
import { applicationOf, applyForStore, merchantsForOperator, reviewApplication, STORE_NAME_MAX } from "./onboarding";
import { listStores } from "./profile";
import { approvedStore } from "./store";

let n = 0;
const slugFor = (prefix: string) => `${prefix}-${process.pid % 10000}-${Date.now() % 1_000_000}-${++n}`;

const apply = (userId: number, slug: string, extra: { name?: string; rebateBps?: number } = {}) =>
  inTransaction((tx) =>
    applyForStore(tx, {
      userId,
      name: extra.name ?? `店 ${slug}`,
      slug,
      details: SAMPLE_APPLICATION,
      rules: extra.rebateBps === undefined ? undefined : { rebateBps: extra.rebateBps },
    }),
  );

const review = (merchantId: number, operatorId: number, decision: "approve" | "reject", reason = "") =>
  inTransaction((tx) => reviewApplication(tx, { merchantId, operatorId, decision, reason }));

async function roleOf(userId: number) {
  const [u] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  return u!.role;
}

async function auditActions(merchantId: number): Promise<{ action: string; reason: string | null }[]> {
  const res = await db.execute<{ action: string; reason: string | null }>(
    sql`select action, reason from audit_log where subject_type = 'merchant' and subject_id = ${String(merchantId)} order by id`,
  );
  return res.rows.map((r) => ({ action: r.action, reason: r.reason }));
}

describe("applying for a store", () => {
  it("creates a pending store that takes no orders and leaves the applicant a customer", async () => {
    const user = await makeCustomer();
    const slug = slugFor("apply");
    const m = await apply(user, slug.toUpperCase(), { rebateBps: 2500 });
    expect(m).toMatchObject({ status: "pending", slug, ownerUserId: user });
    expect(await roleOf(user)).toBe("customer");
    expect((await listStores({ q: m.name })).map((s) => s.slug)).not.toContain(slug);
    await expect(approvedStore(db, { slug })).rejects.toMatchObject({ code: "not_found" });
    expect(await applicationOf(user)).toMatchObject({ status: "pending", rebateBps: 2500 });
    const listed = (await merchantsForOperator()).find((r) => r.id === m.id);
    expect(listed).toMatchObject({ status: "pending", rebateBps: 2500, ruleVersion: 1 });
  });

  it("allows one application per user, and one store per address", async () => {
    const user = await makeCustomer();
    const slug = slugFor("once");
    await apply(user, slug);
    await expect(apply(user, slugFor("twice"))).rejects.toMatchObject({ code: "conflict", message: "merchant.applicationPending" });
    const other = await makeCustomer();
    await expect(apply(other, slug)).rejects.toMatchObject({ code: "conflict", field: "slug", message: "merchant.slugTaken" });
  });

  it("refuses bad input with the field it belongs to, and writes nothing", async () => {
    const user = await makeCustomer();
    await expect(apply(user, "-bad")).rejects.toMatchObject({ code: "invalid_input", field: "slug" });
    await expect(apply(user, "a")).rejects.toMatchObject({ field: "slug" });
    await expect(apply(user, "has space")).rejects.toMatchObject({ field: "slug" });
    await expect(apply(user, slugFor("n"), { name: "  " })).rejects.toMatchObject({ field: "name", message: "merchant.nameRequired" });
    // A refinement's arguments travel with its code, so the boundary can say the limit in words.
    const long = await apply(user, slugFor("l"), { name: "店".repeat(STORE_NAME_MAX + 1) }).catch((e: unknown) => e);
    expect(long).toMatchObject({ code: "invalid_input", field: "name", message: "merchant.nameTooLong", params: { max: STORE_NAME_MAX } });
    expect(translateError("en", (long as DomainError).message, (long as DomainError).params)).toBe(`The store's name can be at most ${STORE_NAME_MAX} characters`);
    const err = await apply(user, slugFor("r"), { rebateBps: 6000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleValidationError);
    expect((err as RuleValidationError).fieldErrors).toEqual({ rebateBps: { message: "rules.outOfRange.rebateBps", params: { range: "3%–50%" } } });
    expect(await applicationOf(user)).toBeNull();
  });

  it("is not for operators or existing merchants", async () => {
    const op = await makeCustomer("operator");
    await expect(apply(op, slugFor("op"))).rejects.toMatchObject({ code: "not_allowed" });
    const store = await makeStore();
    await expect(apply(store.ownerUserId, slugFor("again"))).rejects.toMatchObject({ code: "conflict", message: "merchant.alreadyHasStore" });
  });
});

describe("reviewing an application", () => {
  it("approval opens the store, makes the owner a merchant and is audited", async () => {
    const user = await makeCustomer();
    const op = await makeCustomer("operator");
    const slug = slugFor("ok");
    const m = await apply(user, slug, { rebateBps: 3000 });

    const approved = await review(m.id, op, "approve");
    expect(approved).toMatchObject({ status: "approved", reviewedByUserId: op, reviewReason: null });
    expect(approved.reviewedAt).toBeInstanceOf(Date);
    expect(await roleOf(user)).toBe("merchant");
    expect((await listStores({ q: m.name })).map((s) => s.slug)).toContain(slug);
    const store = await approvedStore(db, { slug });
    expect(store.rule).toMatchObject({ version: 1, rebateBps: 3000 });
    expect(await auditActions(m.id)).toEqual([
      { action: "merchant.apply", reason: null },
      { action: "merchant.approve", reason: null },
    ]);

    // The store takes orders at once.
    const customer = await makeCustomer();
    const paid = await placePaidOrder(customer, m.id, 10_000);
    expect(paid.applied).toBe(true);

    // A decision is taken once.
    await expect(review(m.id, op, "reject", "太晚了")).rejects.toMatchObject({ code: "conflict" });
  });

  it("only an operator may review", async () => {
    const user = await makeCustomer();
    const m = await apply(user, slugFor("guard"));
    for (const role of ["customer", "merchant"] as const) {
      const notOp = await makeCustomer(role);
      await expect(review(m.id, notOp, "approve")).rejects.toMatchObject({ code: "forbidden" });
    }
    // The applicant cannot approve their own store either.
    await expect(review(m.id, user, "approve")).rejects.toMatchObject({ code: "forbidden" });
    const [row] = await db.select({ status: merchants.status }).from(merchants).where(eq(merchants.id, m.id));
    expect(row!.status).toBe("pending");
    expect(await roleOf(user)).toBe("customer");
  });

  it("rejection needs a reason; the applicant sees it and may apply again on the same row", async () => {
    const user = await makeCustomer();
    const op = await makeCustomer("operator");
    const first = slugFor("first");
    const m = await apply(user, first);

    await expect(review(m.id, op, "reject", "   ")).rejects.toMatchObject({ code: "invalid_input", field: "reason" });
    const rejected = await review(m.id, op, "reject", "请提供营业执照上的店名");
    expect(rejected).toMatchObject({ status: "rejected", reviewReason: "请提供营业执照上的店名", reviewedByUserId: op });
    expect(await applicationOf(user)).toMatchObject({ status: "rejected", reviewReason: "请提供营业执照上的店名" });
    expect(await roleOf(user)).toBe("customer");
    expect((await listStores({ q: m.name })).map((s) => s.slug)).not.toContain(first);

    // The released address is free for someone else; the applicant picks a new one and a new rebate.
    const second = slugFor("second");
    const again = await apply(user, second, { name: "新名字", rebateBps: 2800 });
    expect(again).toMatchObject({ id: m.id, status: "pending", slug: second, name: "新名字", ruleVersion: 2 });
    expect(await applicationOf(user)).toMatchObject({ status: "pending", rebateBps: 2800 });
    // Re-applying with the same rules writes no new version.
    await review(m.id, op, "reject", "再补充一下");
    expect(await apply(user, second, { name: "新名字", rebateBps: 2800 })).toMatchObject({ ruleVersion: 2 });

    await review(m.id, op, "approve", "资料齐全");
    expect(await roleOf(user)).toBe("merchant");
    expect((await approvedStore(db, { slug: second })).rule).toMatchObject({ version: 2, rebateBps: 2800 });
    expect((await auditActions(m.id)).map((a) => a.action)).toEqual([
      "merchant.apply",
      "merchant.reject",
      "merchant.reapply",
      "merchant.reject",
      "merchant.reapply",
      "merchant.approve",
    ]);
  });
});
