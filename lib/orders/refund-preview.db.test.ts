import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { drainQueue } from "@/lib/queue/drain";
import { balanceOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { checkRefund, refundOrder, type RefundActor } from "./refund";

// The refund dialog's preview (checkRefund) against real Postgres: it says what refundOrder then
// does, refuses with the reason refundOrder would give, and writes nothing.

afterAll(expectLedgerClean);

// A store whose whole rebate (50%) fills the pool: no fee, no points (as refund-shortfall.db.test.ts).
const HALF_TO_POOL = { payoutMode: "manual", unitCapFen: 0, rebateBps: 5000, platformFeeBps: 0, pointsBps: 0 } as const;

/** As the merchant action runs it: in a read-only transaction. */
const preview = (orderId: number, actor: RefundActor) =>
  db.transaction((tx) => checkRefund(tx, { orderId, actor }), { accessMode: "read only" });

const ledgerEntries = async () => Number((await db.execute<{ n: number }>(sql`select count(*)::bigint as n from ledger_entries`)).rows[0]!.n);

describe("the refund preview (checkRefund)", () => {
  it("says what the refund then does, shortfall included, and writes nothing", async () => {
    const store = await makeStore(HALF_TO_POOL);
    const a = await makeCustomer();
    const b = await makeCustomer();
    const head = await placePaidOrder(a, store.id, 1000); // pool 500
    const late = await placePaidOrder(b, store.id, 1200); // share 600: pool 1100
    await drainQueue(store.queueId!); // pays the ¥10 head: pool 100
    const merchant: RefundActor = { userId: store.ownerUserId, role: "merchant" };

    const before = await ledgerEntries();
    const seen = await preview(late.orderId, merchant);
    expect(await ledgerEntries()).toBe(before);
    expect(seen).toMatchObject({ orderNo: late.orderNo, cashFen: 1200, poolFen: 600, shortfallFen: 500, pointsEarned: 0, pointsUsed: 0 });

    const done = await inTransaction((tx) => refundOrder(tx, { orderId: late.orderId, actor: merchant }));
    expect(done).toMatchObject({ refundedFen: seen.cashFen, shortfallFen: seen.shortfallFen, cancelledEntries: seen.entries });
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(0);

    // After it: refused with refundOrder's reasons.
    await expect(preview(late.orderId, merchant)).rejects.toMatchObject({ code: "not_allowed", message: "refund.alreadyRefunded" });
    await expect(preview(head.orderId, merchant)).rejects.toMatchObject({ code: "not_allowed", message: "refund.entriesPaid" });
    await expectLedgerClean();
  });

  it("another store's merchant learns nothing of the order; an operator needs no reason to look", async () => {
    const store = await makeStore(HALF_TO_POOL);
    const other = await makeStore(HALF_TO_POOL);
    const paid = await placePaidOrder(await makeCustomer(), store.id, 1000);
    await expect(preview(paid.orderId, { userId: other.ownerUserId, role: "merchant" })).rejects.toMatchObject({ code: "not_found", message: "refund.orderNotFound" });
    const operator = await makeCustomer("operator");
    expect(await preview(paid.orderId, { userId: operator, role: "operator" })).toMatchObject({ cashFen: 1000, shortfallFen: 0 });
    // A customer is no operator.
    await expect(preview(paid.orderId, { userId: await makeCustomer(), role: "operator" })).rejects.toMatchObject({ code: "forbidden" });
  });
});
