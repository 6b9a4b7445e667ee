import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { DomainError } from "@/lib/errors";
import { balanceOf, entriesOf, makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { DRAW_CAP_FEN, pickUniform, runDraw } from "./draw";
import { drainQueue } from "./drain";
import { drawHistory, drawQueues } from "./draw-view";

afterAll(expectLedgerClean);

/** A source that hands out the given 6-byte values in turn. */
function fixedSource(...hex: string[]): (size: number) => Buffer {
  let i = 0;
  return (size) => {
    const b = Buffer.from(hex[i++ % hex.length]!, "hex");
    expect(b.length).toBe(size);
    return b;
  };
}

/**
 * Manual queue, one entry per order. Defaults send 13% of each order to the pool.
 * Head: ¥300 (target 30000); then three ¥10 entries (1000 each). Pool 3900 + 3 × 130 = 4290:
 * it covers each small entry but not the head, so the candidates are exactly the three small ones.
 */
async function headTooBigQueue(operator?: number) {
  const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
  const big = await makeCustomer();
  const small = await makeCustomer();
  await placePaidOrder(big, store.id, 30_000);
  for (let i = 0; i < 3; i++) await placePaidOrder(small, store.id, 1_000);
  return { store, queueId: store.queueId!, big, small, operator: operator ?? (await makeCustomer("operator")) };
}

async function auditOf(drawId: number) {
  const res = await db.execute<{ actor_user_id: number; action: string; subject_id: string; reason: string | null; details: Record<string, unknown> }>(
    sql`select actor_user_id, action, subject_id, reason, details from audit_log where action = 'queue.draw' and (details->>'drawId')::bigint = ${drawId}`,
  );
  return res.rows;
}

describe("pickUniform", () => {
  it("maps the recorded value to its index, value mod n", () => {
    expect(pickUniform(3, fixedSource("000000000005"))).toEqual({ randomHex: "000000000005", index: 2, rejected: 0 });
    expect(pickUniform(1, fixedSource("ffffffffffff"))).toEqual({ randomHex: "ffffffffffff", index: 0, rejected: 0 });
  });

  it("rejects values in the incomplete last block instead of biasing low indexes", () => {
    // 2^48 ≡ 1 (mod 3): the single value 2^48 − 1 would give index 0 one extra time, so it is redrawn.
    expect(pickUniform(3, fixedSource("ffffffffffff", "000000000004"))).toEqual({ randomHex: "000000000004", index: 1, rejected: 1 });
    expect(pickUniform(3, fixedSource("fffffffffffe"))).toMatchObject({ index: (2 ** 48 - 2) % 3, rejected: 0 });
  });

  it("refuses an empty or absurd candidate count", () => {
    expect(() => pickUniform(0)).toThrow();
    expect(() => pickUniform(1.5)).toThrow();
  });
});

describe("runDraw", () => {
  it("picks only entries the pool covers, pays one in full, records the draw and its audit", async () => {
    const q = await headTooBigQueue();
    const before = await entriesOf(q.queueId);
    const smallIds = before.slice(1).map((e) => e.id);

    // Value 5 among 3 candidates: index 2, the third small entry in position order.
    const r = await inTransaction((tx) =>
      runDraw(tx, { queueId: q.queueId, operatorId: q.operator, reason: "  周年店庆  " }, fixedSource("000000000005")),
    );
    expect(r).toMatchObject({ candidates: 3, chosenIndex: 2, randomHex: "000000000005", entryId: smallIds[2], amountFen: 1000, poolBeforeFen: 4290, capFen: DRAW_CAP_FEN, drainDue: false });

    const after = await entriesOf(q.queueId);
    expect(after.map((e) => e.status)).toEqual(["waiting", "waiting", "waiting", "paid"]);
    expect(await balanceOf({ userId: q.small }, "wallet")).toBe(1000);
    expect(await balanceOf({ userId: q.big }, "wallet")).toBe(0);
    expect(await balanceOf({ queueId: q.queueId }, "pool")).toBe(3290);

    const entry = await db.execute<{ paid_kind: string; settled_at: Date | null }>(sql`select paid_kind, settled_at from queue_entries where id = ${r.entryId}`);
    expect(entry.rows[0]).toMatchObject({ paid_kind: "draw" });
    expect(entry.rows[0]!.settled_at).not.toBeNull();
    const payout = await db.execute<{ kind: string; amount_fen: number; transaction_id: number }>(sql`select kind, amount_fen, transaction_id from payouts where queue_entry_id = ${r.entryId}`);
    expect(payout.rows).toEqual([{ kind: "draw", amount_fen: 1000, transaction_id: r.transactionId }]);
    const ltx = await db.execute<{ kind: string; actor_user_id: number; reason: string }>(sql`select kind, actor_user_id, reason from ledger_transactions where id = ${r.transactionId}`);
    expect(ltx.rows[0]).toEqual({ kind: "draw_payout", actor_user_id: q.operator, reason: "周年店庆" });

    const draw = await db.execute(sql`select * from draws where id = ${r.drawId}`);
    expect(draw.rows[0]).toMatchObject({
      queue_id: q.queueId,
      operator_user_id: q.operator,
      candidates: 3,
      random_value: "000000000005",
      chosen_index: 2,
      queue_entry_id: r.entryId,
      amount_fen: 1000,
      cap_fen: DRAW_CAP_FEN,
      reason: "周年店庆",
    });

    const audit = await auditOf(r.drawId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: q.operator, action: "queue.draw", subject_id: String(q.queueId), reason: "周年店庆" });
    expect(audit[0]!.details).toMatchObject({ candidates: 3, candidateIds: smallIds, randomValue: "000000000005", chosenIndex: 2, entryId: r.entryId });
    // The record is enough to re-check the pick.
    const d = audit[0]!.details as { candidateIds: number[]; randomValue: string; candidates: number };
    expect(d.candidateIds[parseInt(d.randomValue, 16) % d.candidates]).toBe(r.entryId);

    // The draws record is history: it cannot be edited.
    await expect(db.execute(sql`update draws set chosen_index = 0 where id = ${r.drawId}`)).rejects.toThrow();
    await expectLedgerClean();
  });

  it("over 200 draws on fresh queues, every pick is a covered entry and each of 3 candidates is chosen", async () => {
    const operator = await makeCustomer("operator");
    const counts = [0, 0, 0];
    const ROUNDS = 200;
    const PARALLEL = 8;
    for (let done = 0; done < ROUNDS; done += PARALLEL) {
      const n = Math.min(PARALLEL, ROUNDS - done);
      await Promise.all(
        Array.from({ length: n }, async () => {
          const q = await headTooBigQueue(operator);
          const entries = await entriesOf(q.queueId);
          const r = await inTransaction((tx) => runDraw(tx, { queueId: q.queueId, operatorId: operator }));
          expect(r.candidates).toBe(3);
          // Never the head (30000 > pool 4290): always one of the three small entries, at the recorded index.
          const idx = entries.slice(1).findIndex((e) => e.id === r.entryId);
          expect(idx).toBe(r.chosenIndex);
          expect(parseInt(r.randomHex, 16) % 3).toBe(r.chosenIndex);
          counts[idx]! += 1;
        }),
      );
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(ROUNDS);
    // Each index at least once; loosely uniform too (expected 66.7 each, sd ≈ 6.7).
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(30);
    for (const c of counts) expect(c).toBeLessThanOrEqual(105);
    console.info(`[draw] index counts over ${ROUNDS} draws among 3: ${counts.join(", ")}`);
    await expectLedgerClean();
  }, 180_000);

  it("obeys the ¥50,000 cap: a covered entry above it is never a candidate; one at the cap is", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const operator = await makeCustomer("operator");
    const whale = await makeCustomer();
    const big = await makeCustomer();
    await placePaidOrder(whale, store.id, 60_000_000); // head: target ¥600,000, pool +7,800,000
    await placePaidOrder(big, store.id, 6_000_000); // target ¥60,000 (over the cap), pool 8,580,000
    expect(await balanceOf({ queueId: store.queueId! }, "pool")).toBe(8_580_000);

    // The pool covers the ¥60,000 entry, but the cap keeps it out: nothing to draw.
    const refused = inTransaction((tx) => runDraw(tx, { queueId: store.queueId!, operatorId: operator }));
    await expect(refused).rejects.toMatchObject({ code: "not_allowed", message: "draw.noCandidates" });
    await expect(refused).rejects.toBeInstanceOf(DomainError);

    const atCap = await makeCustomer();
    await placePaidOrder(atCap, store.id, DRAW_CAP_FEN); // target exactly ¥50,000
    const small = await makeCustomer();
    await placePaidOrder(small, store.id, 1_000);
    const entries = await entriesOf(store.queueId!);
    const seen = new Set<number>();
    for (const hex of ["000000000000", "000000000001"]) {
      const r = await inTransaction((tx) => runDraw(tx, { queueId: store.queueId!, operatorId: operator }, fixedSource(hex)));
      seen.add(r.entryId);
      expect(r.amountFen).toBeLessThanOrEqual(DRAW_CAP_FEN);
    }
    // First draw: 2 candidates (at-cap, small); index 0 is the at-cap entry. Second: only the small one left.
    expect(seen).toEqual(new Set([entries[2]!.id, entries[3]!.id]));
    expect((await entriesOf(store.queueId!)).map((e) => e.status)).toEqual(["waiting", "waiting", "paid", "paid"]);
    expect(await balanceOf({ userId: atCap }, "wallet")).toBe(DRAW_CAP_FEN);
    await expectLedgerClean();
  });

  it("refuses when nothing fits, and when the caller is not an operator", async () => {
    const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
    const operator = await makeCustomer("operator");
    const c = await makeCustomer();
    // Empty queue.
    await expect(inTransaction((tx) => runDraw(tx, { queueId: store.queueId!, operatorId: operator }))).rejects.toMatchObject({ code: "not_allowed" });
    await placePaidOrder(c, store.id, 5_000); // target 5000 > pool 650
    await expect(inTransaction((tx) => runDraw(tx, { queueId: store.queueId!, operatorId: operator }))).rejects.toMatchObject({ code: "not_allowed" });
    await expect(inTransaction((tx) => runDraw(tx, { queueId: store.queueId!, operatorId: c }))).rejects.toMatchObject({ code: "forbidden" });
    await expect(inTransaction((tx) => runDraw(tx, { queueId: 987_654_321, operatorId: operator }))).rejects.toMatchObject({ code: "not_found" });
    const draws = await db.execute<{ n: number }>(sql`select count(*)::int as n from draws where queue_id = ${store.queueId!}`);
    expect(draws.rows[0]!.n).toBe(0);
  });

  it("a draw is not a FIFO break: the head still drains first afterwards, and I4/I5 stay clean", async () => {
    const q = await headTooBigQueue();
    await inTransaction((tx) => runDraw(tx, { queueId: q.queueId, operatorId: q.operator }, fixedSource("000000000001")));
    await expectLedgerClean();
    // Index 1 paid the entry at position 3. Fill the pool past the head: the drain pays the head, then
    // the remaining small entries in order.
    const filler = await makeCustomer();
    for (let i = 0; i < 3; i++) await placePaidOrder(filler, q.store.id, 100_000, { drain: false });
    await drainQueue(q.queueId);
    const entries = await entriesOf(q.queueId);
    expect(entries.slice(0, 4).map((e) => e.status)).toEqual(["paid", "paid", "paid", "paid"]);
    const kinds = await db.execute<{ position: number; paid_kind: string }>(
      sql`select position, paid_kind from queue_entries where queue_id = ${q.queueId} and status = 'paid' order by position`,
    );
    expect(kinds.rows.map((r) => r.paid_kind)).toEqual(["fifo", "fifo", "draw", "fifo"]);
    await expectLedgerClean();
  });

  it("reports a due drain when a draw leaves an auto queue's pool covering the new head", async () => {
    // Auto queue, free_bps 1000: each ¥100 order has target 1000 and adds 1300 to the pool.
    const store = await makeStore({ unitCapFen: 0, freeBps: 1000 });
    const operator = await makeCustomer("operator");
    const c = await makeCustomer();
    await placePaidOrder(c, store.id, 100_000, { drain: false }); // target 10000, pool 13000
    await placePaidOrder(c, store.id, 10_000, { drain: false }); // target 1000, pool 14300
    // Both fit; pick the head (index 0): what is left (4300) covers the new head (1000).
    const r = await inTransaction((tx) => runDraw(tx, { queueId: store.queueId!, operatorId: operator }, fixedSource("000000000000")));
    expect(r).toMatchObject({ candidates: 2, amountFen: 10_000, drainDue: true });
    await drainQueue(store.queueId!);
    await expectLedgerClean();
  });

  it("two draws racing on one queue never pay the same entry", async () => {
    for (let round = 0; round < 5; round++) {
      const store = await makeStore({ payoutMode: "manual", unitCapFen: 0 });
      const operator = await makeCustomer("operator");
      const customers = await Promise.all(Array.from({ length: 3 }, () => makeCustomer()));
      // Six ¥10 entries (1000 each) and pool 6 × 130 + 13,000 = 13,780: room for all six.
      for (let i = 0; i < 6; i++) await placePaidOrder(customers[i % 3]!, store.id, 1_000);
      const booster = await makeCustomer();
      await placePaidOrder(booster, store.id, 100_000, { drain: false }); // a ¥1,000 entry at the back, pool 13,780
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => inTransaction((tx) => runDraw(tx, { queueId: store.queueId!, operatorId: operator }))),
      );
      const ok = results.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
      expect(results.filter((s) => s.status === "rejected")).toEqual([]);
      expect(new Set(ok.map((r) => r.entryId)).size).toBe(4);
      const payouts = await db.execute<{ n: number; total: number }>(
        sql`select count(*)::int as n, coalesce(sum(amount_fen), 0)::bigint as total from payouts where queue_id = ${store.queueId!}`,
      );
      expect(payouts.rows[0]!.n).toBe(4);
      const pool = await balanceOf({ queueId: store.queueId! }, "pool");
      expect(pool).toBe(13_780 - Number(payouts.rows[0]!.total));
      // Each draw saw the pool the previous one left.
      const before = ok.map((r) => r.poolBeforeFen).sort((a, b) => b - a);
      expect(new Set(before).size).toBe(4);
    }
    await expectLedgerClean();
  });
});

describe("the draw page's reads", () => {
  it("show a queue's pool, waiting and candidate figures, then the draw with whom it paid", async () => {
    const q = await headTooBigQueue();
    const [shown] = await drawQueues({ queueId: q.queueId });
    // Pool 4290 (see headTooBigQueue); four waiting, the three small ones covered.
    expect(shown).toEqual({
      queueId: q.queueId,
      name: expect.any(String),
      payoutMode: "manual",
      stores: [q.store.name],
      poolFen: 4290,
      waitingCount: 4,
      waitingFen: 33_000,
      candidateCount: 3,
      candidateFen: 3_000,
    });

    const r = await inTransaction((tx) => runDraw(tx, { queueId: q.queueId, operatorId: q.operator, reason: "店庆" }, fixedSource("000000000005")));
    const [line] = await drawHistory({ drawId: r.drawId });
    expect(line).toMatchObject({
      drawId: r.drawId,
      queueId: q.queueId,
      candidates: 3,
      randomHex: "000000000005",
      chosenIndex: 2,
      entryId: r.entryId,
      position: 4,
      storeName: q.store.name,
      amountFen: 1000,
      capFen: DRAW_CAP_FEN,
      reason: "店庆",
    });
    expect(line!.createdAt).toBeInstanceOf(Date);
    expect((await drawHistory({ queueId: q.queueId })).map((l) => l.drawId)).toEqual([r.drawId]);
  });
});
