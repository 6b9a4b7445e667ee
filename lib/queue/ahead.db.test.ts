import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { DomainError } from "@/lib/errors";
import { queueGauge } from "@/lib/merchants/store";
import { refundOrder } from "@/lib/orders/refund";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { countersRecount } from "./ahead";
import { drainQueue } from "./drain";
import { runDraw } from "./draw";
import { leaveQueue } from "./leave";
import { customerEntries } from "./position";

afterAll(expectLedgerClean);

type Op =
  | { kind: "order"; customer: number; yuan: number }
  | { kind: "drain" }
  | { kind: "leave"; pick: number }
  | { kind: "refund"; pick: number }
  | { kind: "draw"; seed: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("order" as const), customer: fc.nat(2), yuan: fc.integer({ min: 10, max: 900 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("drain" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("leave" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("refund" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("draw" as const), seed: fc.nat() }) },
);

type EntryRow = { id: number; order_id: number; customer_id: number; position: number; target_fen: number; status: string };

async function entries(queueId: number): Promise<EntryRow[]> {
  const res = await db.execute<EntryRow>(sql`
    select id, order_id, customer_id, position, target_fen, status from queue_entries where queue_id = ${queueId} order by position`);
  return res.rows.map((r) => ({ ...r, id: Number(r.id), order_id: Number(r.order_id), customer_id: Number(r.customer_id), position: Number(r.position), target_fen: Number(r.target_fen) }));
}

/** Applies one operation; refusals (nothing to draw, a refund the rules forbid) are part of the game. */
async function apply(o: Op, ctx: { merchantId: number; queueId: number; customers: number[]; operator: number }): Promise<void> {
  const all = await entries(ctx.queueId);
  const waiting = all.filter((e) => e.status === "waiting");
  try {
    switch (o.kind) {
      case "order":
        await placePaidOrder(ctx.customers[o.customer]!, ctx.merchantId, o.yuan * 100, { drain: false });
        return;
      case "drain":
        await drainQueue(ctx.queueId, 3);
        return;
      case "leave": {
        const e = waiting[o.pick % Math.max(1, waiting.length)];
        if (e) await inTransaction((tx) => leaveQueue(tx, { entryId: e.id, customerId: e.customer_id }));
        return;
      }
      case "refund": {
        const e = waiting[o.pick % Math.max(1, waiting.length)];
        if (e) await inTransaction((tx) => refundOrder(tx, { orderId: e.order_id, actor: { userId: ctx.operator, role: "operator" } }));
        return;
      }
      case "draw": {
        const bytes = Buffer.alloc(6);
        bytes.writeUIntBE(o.seed, 0, 6);
        await inTransaction((tx) => runDraw(tx, { queueId: ctx.queueId, operatorId: ctx.operator }, () => bytes));
        return;
      }
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
  }
}

describe("place in line from the queue's counters", () => {
  it("equals a recount of the waiting entries ahead after any mix of orders, drains, leaves, refunds and draws", async () => {
    const operator = await makeCustomer("operator");
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        // Units of at most ¥20 (target 200 fen at 10%), so an order spreads over several entries.
        const store = await makeStore({ payoutMode: "manual", unitCapFen: 20_00 });
        const ctx = { merchantId: store.id, queueId: store.queueId!, customers: [await makeCustomer(), await makeCustomer(), await makeCustomer()], operator };
        for (const o of ops) await apply(o, ctx);

        const all = await entries(ctx.queueId);
        const waiting = all.filter((e) => e.status === "waiting");
        for (const c of ctx.customers) {
          const shown = await customerEntries(c);
          for (const s of shown) {
            const e = all.find((x) => x.id === s.id)!;
            if (e.status !== "waiting") {
              expect(s.position).toBeNull();
              continue;
            }
            const ahead = waiting.filter((w) => w.position < e.position);
            expect({ id: s.id, position: s.position, aheadFen: s.aheadFen }).toEqual({
              id: e.id,
              position: ahead.length + 1,
              aheadFen: ahead.reduce((a, w) => a + w.target_fen, 0),
            });
          }
        }
        const gauge = await queueGauge(ctx.queueId);
        expect([gauge.waitingCount, gauge.waitingFen]).toEqual([waiting.length, waiting.reduce((a, w) => a + w.target_fen, 0)]);
        expect((await db.execute(countersRecount)).rows).toEqual([]);
      }),
      { numRuns: 12 },
    );
  }, 240_000);

  it("the recount check catches a counter that drifted", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    await placePaidOrder(await makeCustomer(), store.id, 10_000);
    await db.transaction(async (tx) => {
      await tx.execute(sql`update queues set appended_fen = appended_fen + 1 where id = ${store.queueId!}`);
      const found = await tx.execute<{ what: string }>(countersRecount);
      expect(found.rows.map((r) => r.what).join("\n")).toContain(`queue ${store.queueId}:`);
      tx.rollback();
    }).catch((e: unknown) => {
      if (!(e instanceof Error) || !/rollback/i.test(e.message)) throw e;
    });
  });
});
