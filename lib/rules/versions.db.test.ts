import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { alliances, merchants, orders, queues, ruleVersions, type Merchant } from "@/db/schema";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { drainQueue } from "@/lib/queue/drain";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import type { MerchantRules } from "./form";
import { DEFAULT_RULES } from "./settings";
import { changeRules, ruleHistory, RuleValidationError } from "./versions";

const mine = (over: Partial<MerchantRules> = {}): MerchantRules => ({
  rebateBps: DEFAULT_RULES.rebateBps,
  pointsBps: DEFAULT_RULES.pointsBps,
  freeBps: DEFAULT_RULES.freeBps,
  unitCapFen: DEFAULT_RULES.unitCapFen,
  minOrderFen: DEFAULT_RULES.minOrderFen,
  payoutMode: DEFAULT_RULES.payoutMode,
  exitCompBps: DEFAULT_RULES.exitCompBps,
  ...over,
});

async function change(m: Merchant, settings: MerchantRules) {
  return inTransaction((tx) => changeRules(tx, { merchantId: m.id, actorUserId: m.ownerUserId, settings }));
}

async function versionCount(merchantId: number): Promise<number> {
  const res = await db.execute<{ n: number }>(sql`select count(*)::int as n from rule_versions where merchant_id = ${merchantId}`);
  return Number(res.rows[0]!.n);
}

async function entryVersions(orderId: number) {
  const res = await db.execute<{ version: number; target_fen: number }>(sql`
    select r.version, e.target_fen from queue_entries e join rule_versions r on r.id = e.rule_version_id
    where e.order_id = ${orderId} order by e.position`);
  return res.rows.map((r) => ({ version: Number(r.version), targetFen: Number(r.target_fen) }));
}

async function orderRow(orderId: number) {
  const [o] = await db
    .select({ rebateFen: orders.rebateFen, poolFen: orders.poolFen, pointsEarned: orders.pointsEarned, version: ruleVersions.version })
    .from(orders)
    .innerJoin(ruleVersions, eq(ruleVersions.id, orders.ruleVersionId))
    .where(eq(orders.id, orderId));
  return o!;
}

describe("changeRules", () => {
  it("applies to new orders only: earlier orders and entries keep version 1 and its shares", async () => {
    const m = await makeStore();
    const customer = await makeCustomer();
    const before = await placePaidOrder(customer, m.id, 35_000, { drain: false });
    // An order created before the change but paid after it keeps the version it was priced under.
    const pending = await inTransaction((tx) =>
      createPendingOrder(tx, { customerId: customer, merchantId: m.id, amountFen: 10_000, idempotencyKey: `k-${m.id}-pending`, provider: "dev" }),
    );

    const r = await change(m, mine({ rebateBps: 3000, unitCapFen: 0 }));
    expect(r.changed).toBe(true);
    expect(r.version.version).toBe(2);
    expect(r.changes.map((c) => c.key)).toEqual(["rebateBps", "unitCapFen"]);

    const after = await placePaidOrder(customer, m.id, 35_000, { drain: false });
    await inTransaction((tx) => markOrderPaid(tx, { orderNo: pending.order.orderNo, amountFen: 10_000, providerRef: "p" }));

    expect(await orderRow(before.orderId)).toEqual({ rebateFen: 7000, poolFen: 4550, pointsEarned: 1750, version: 1 });
    expect(await entryVersions(before.orderId)).toEqual([
      { version: 1, targetFen: 10_000 },
      { version: 1, targetFen: 10_000 },
      { version: 1, targetFen: 10_000 },
      { version: 1, targetFen: 5_000 },
    ]);
    expect(await orderRow(pending.order.id)).toMatchObject({ rebateFen: 2000, version: 1 });
    expect(await entryVersions(pending.order.id)).toEqual([{ version: 1, targetFen: 10_000 }]);

    // Version 2: 30% rebate, no split.
    expect(await orderRow(after.orderId)).toEqual({ rebateFen: 10_500, poolFen: 6825, pointsEarned: 2625, version: 2 });
    expect(await entryVersions(after.orderId)).toEqual([{ version: 2, targetFen: 35_000 }]);

    const [row] = await db.select({ v: merchants.ruleVersion }).from(merchants).where(eq(merchants.id, m.id));
    expect(row!.v).toBe(2);
    await drainQueue(m.queueId!);
    await expectLedgerClean();
  });

  it("writes nothing for an identical rule set", async () => {
    const m = await makeStore({ rebateBps: 2500 });
    const r = await change(m, mine({ rebateBps: 2500 }));
    expect(r).toMatchObject({ changed: false, changes: [] });
    expect(r.version.version).toBe(1);
    expect(await versionCount(m.id)).toBe(1);
    const audit = await db.execute(sql`select 1 from audit_log where action = 'rules.change' and subject_id = ${String(m.id)}`);
    expect(audit.rows).toHaveLength(0);
  });

  it("refuses values outside the platform range, with a message per field, and writes nothing", async () => {
    const m = await makeStore();
    const err = await change(m, mine({ rebateBps: 6000, exitCompBps: 20_000, unitCapFen: 500, freeBps: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleValidationError);
    const fe = (err as RuleValidationError).fieldErrors;
    expect(fe.rebateBps).toEqual({ message: "rules.outOfRange.rebateBps", params: { range: "3%–50%" } });
    expect(fe.exitCompBps).toEqual({ message: "rules.outOfRange.exitCompBps", params: { range: "0%–100%" } });
    expect(fe.freeBps).toEqual({ message: "rules.outOfRange.freeBps", params: { range: "0.01%–100%" } });
    expect(fe.unitCapFen).toEqual({ message: "rules.unitCapMin", params: { min: "¥10.00" } });
    expect(await versionCount(m.id)).toBe(1);

    // Fee (platform-set, 10%) + points may not exceed the whole rebate.
    const over = await change(m, mine({ pointsBps: 9500 })).catch((e: unknown) => e);
    expect((over as RuleValidationError).fieldErrors.pointsBps).toEqual({ message: "rules.sharesOver" });
    expect(await versionCount(m.id)).toBe(1);
  });

  it("keeps the platform-set values: the fee and the points release and expiry", async () => {
    const m = await makeStore();
    const sneaky = { ...mine({ rebateBps: 2200 }), platformFeeBps: 0, releaseBpsPerDay: 10_000, pointsExpiryDays: 0 } as MerchantRules;
    const r = await change(m, sneaky);
    expect(r.version).toMatchObject({ version: 2, rebateBps: 2200, platformFeeBps: 1000, releaseBpsPerDay: 200, pointsExpiryDays: 365 });
  });

  it("sets the queue's payout mode, except for an alliance's shared queue", async () => {
    const m = await makeStore();
    const r = await change(m, mine({ payoutMode: "manual" }));
    expect(r.payoutModeSetTo).toBe("manual");
    const [q] = await db.select({ mode: queues.payoutMode }).from(queues).where(eq(queues.id, m.queueId!));
    expect(q!.mode).toBe("manual");

    const member = await makeStore();
    await db.insert(alliances).values({ name: "联盟", queueId: member.queueId!, createdByUserId: member.ownerUserId });
    const refused = await change(member, mine({ payoutMode: "manual" })).catch((e: unknown) => e);
    expect((refused as RuleValidationError).fieldErrors.payoutMode).toEqual({ message: "rules.allianceMode" });
    const ok = await change(member, mine({ rebateBps: 4000 }));
    expect(ok).toMatchObject({ changed: true, payoutModeSetTo: null });
    const [aq] = await db.select({ mode: queues.payoutMode }).from(queues).where(eq(queues.id, member.queueId!));
    expect(aq!.mode).toBe("auto");
  });

  it("lists the history newest first with what changed", async () => {
    const m = await makeStore();
    await change(m, mine({ rebateBps: 3000 }));
    await change(m, mine({ rebateBps: 3000 }));
    await change(m, mine({ rebateBps: 3000, minOrderFen: 0 }));
    const h = await ruleHistory(m.id);
    expect(h.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(h[0]!.changes).toEqual([{ key: "minOrderFen", from: 1000, to: 0 }]);
    expect(h[1]!.changes).toEqual([{ key: "rebateBps", from: 2000, to: 3000 }]);
    expect(h[2]!.changes).toEqual([]);
    const audit = await db.execute(sql`select 1 from audit_log where action = 'rules.change' and subject_id = ${String(m.id)}`);
    expect(audit.rows).toHaveLength(2);
  });
});
