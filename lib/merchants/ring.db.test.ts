import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditLog, merchants } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import { storeLive } from "./live";
import { setNewOrderRing } from "./ring";

const ringAudits = async (merchantId: number) =>
  db
    .select({ actor: auditLog.actorUserId, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.action, "merchant.ring"), eq(auditLog.subjectId, String(merchantId))))
    .orderBy(auditLog.id);

describe("the new-order ring", () => {
  it("is the store's setting: off at first, set by its owner, audited, and read by the live consoles", async () => {
    const store = await makeStore();
    expect((await storeLive(store.id, store.queueId!)).ring).toBe(false);

    const set = (on: boolean, ownerUserId = store.ownerUserId) => inTransaction((tx) => setNewOrderRing(tx, { merchantId: store.id, ownerUserId, on }));
    expect(await set(true)).toEqual({ changed: true });
    expect((await storeLive(store.id, store.queueId!)).ring).toBe(true);
    // The same setting again changes nothing and records nothing.
    expect(await set(true)).toEqual({ changed: false });
    expect(await set(false)).toEqual({ changed: true });
    expect((await storeLive(store.id, store.queueId!)).ring).toBe(false);
    expect(await ringAudits(store.id)).toEqual([
      { actor: store.ownerUserId, details: { on: true } },
      { actor: store.ownerUserId, details: { on: false } },
    ]);
  });

  it("cannot be set by anyone but the store's owner: another owner or a customer changes nothing", async () => {
    const store = await makeStore();
    const other = await makeStore();
    for (const who of [other.ownerUserId, await makeCustomer()]) {
      expect(await inTransaction((tx) => setNewOrderRing(tx, { merchantId: store.id, ownerUserId: who, on: true }))).toEqual({ changed: false });
    }
    const [row] = await db.select({ ring: merchants.ringNewOrders }).from(merchants).where(eq(merchants.id, store.id));
    expect(row!.ring).toBe(false);
    expect(await ringAudits(store.id)).toEqual([]);
  });
});
