import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { entryOfMerchant } from "@/lib/api/read";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { drainQueue } from "./drain";
import { leaveQueue } from "./leave";
import { customerEntries } from "./position";
import { queueTable } from "./table";

afterAll(expectLedgerClean);

describe("one place in line on every surface", () => {
  it("the customer's page, the merchant's queue table and the POS API show waiting entries ahead + 1, with paid and left entries ahead", async () => {
    // Manual payouts, so the test decides when the pool pays; ¥50 units (target = cash at 100%).
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 50_00 });
    const queueId = store.queueId!;
    const [ann, ben, cat] = [await makeCustomer(), await makeCustomer(), await makeCustomer()];

    await placePaidOrder(ann, store.id, 20_00); // queue position 1: paid below
    await placePaidOrder(ben, store.id, 30_00); // 2: paid below
    await placePaidOrder(cat, store.id, 40_00); // 3: leaves below
    await placePaidOrder(ann, store.id, 120_00); // 4, 5, 6: ¥50 + ¥50 + ¥20, waiting
    await placePaidOrder(ben, store.id, 500_00); // 7..16, waiting
    const cats = await customerEntries(cat);
    await inTransaction((tx) => leaveQueue(tx, { entryId: cats[0]!.id, customerId: cat }));
    // At the default 13% pool share the pool now holds about ¥91: the ¥20 and ¥30 are paid, and the
    // ¥50 after the left entry does not fit.
    await drainQueue(queueId);

    const rows = await db.execute<{ id: number; position: number; status: string; customer_id: number }>(sql`
      select id, position, status, customer_id from queue_entries where queue_id = ${queueId} order by position`);
    const all = rows.rows.map((r) => ({ id: Number(r.id), position: Number(r.position), status: r.status, customerId: Number(r.customer_id) }));
    expect(all.map((e) => e.status)).toEqual(["paid", "paid", "left", ...Array<string>(13).fill("waiting")]);
    // The recount SPEC defines: waiting entries ahead + 1.
    const expected = new Map(
      all.filter((e) => e.status === "waiting").map((e, i) => [e.id, i + 1] as const),
    );

    const customer = new Map<number, number | null>();
    for (const c of [ann, ben, cat]) for (const e of await customerEntries(c)) customer.set(e.id, e.position);
    const merchant = new Map((await queueTable(queueId, { status: "all" })).rows.map((r) => [r.id, r.place] as const));
    const pos = new Map<number, number | null>();
    for (const e of all) pos.set(e.id, (await entryOfMerchant(store.id, e.id))!.position);

    for (const e of all) {
      const want = expected.get(e.id) ?? null;
      expect({ id: e.id, customer: customer.get(e.id), merchant: merchant.get(e.id), pos: pos.get(e.id) }).toEqual({
        id: e.id,
        customer: want,
        merchant: want,
        pos: want,
      });
    }
    // The first waiting entry reads No. 1 everywhere, though three entries came before it.
    const first = all.find((e) => e.status === "waiting")!;
    expect([first.position, customer.get(first.id), merchant.get(first.id), pos.get(first.id)]).toEqual([4, 1, 1, 1]);
    // The waiting-only table (the merchant's default view) numbers its rows the same way.
    const waitingView = (await queueTable(queueId)).rows;
    expect(waitingView.map((r) => r.place)).toEqual(waitingView.map((_, i) => i + 1));
  });
});
