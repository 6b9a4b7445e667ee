import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BillRow } from "@/lib/payments/provider";
import { billKeys, compareDay, type Posting } from "./compare";

// The reconciliation rule on generated days: a ledger that posted exactly the bill has no
// mismatch; each way of spoiling it is found once, with its kind.

const window = { from: new Date("2026-12-04T16:00:00Z"), to: new Date("2026-12-05T16:00:00Z") };
const inDay = fc.integer({ min: 0, max: 86_399_999 }).map((ms) => new Date(window.from.getTime() + ms));

const rows = fc.uniqueArray(
  fc.record({ kind: fc.constantFrom("payment" as const, "refund" as const), n: fc.integer({ min: 1, max: 1e6 }), amountFen: fc.integer({ min: 1, max: 1e8 }), at: inDay }),
  { selector: (r) => `${r.kind}${r.n}`, maxLength: 25 },
).map((rs) => rs.map((r): BillRow => ({ kind: r.kind, outId: `${r.kind === "refund" ? "RF" : "FL"}${r.n}`, providerRef: `ref${r.n}`, amountFen: r.amountFen, at: r.at })));

let tx = 0;
/** The postings a sound ledger made for these bill rows: one each, a little after the provider. */
const postedFor = (bill: BillRow[]): Posting[] =>
  bill.map((r) => ({ transactionId: ++tx, kind: r.kind as "payment" | "refund", outId: r.outId, providerRef: r.providerRef, amountFen: r.amountFen, at: new Date(Math.min(r.at.getTime() + 500, window.to.getTime() - 1)) }));

describe("compareDay", () => {
  it("a ledger that posted exactly the bill: no mismatch, and the totals agree", () => {
    fc.assert(
      fc.property(rows, (bill) => {
        const { mismatches, totals } = compareDay({ bill, postings: postedFor(bill), window });
        expect(mismatches).toEqual([]);
        expect(totals.providerCount).toBe(totals.ledgerCount);
        expect(totals.providerFen).toBe(totals.ledgerFen);
      }),
    );
  });

  it("each spoiled row is found once, with its kind", () => {
    fc.assert(
      fc.property(rows.filter((b) => b.length >= 4), fc.integer({ min: 1, max: 999 }), (bill, delta) => {
        const postings = postedFor(bill);
        const [gone, other, twice, extra] = postings;
        // 0: the ledger never posted it; 1: posted another amount; 2: posted twice.
        const spoiled = [
          ...postings.filter((p) => p !== gone).map((p) => (p === other ? { ...p, amountFen: p.amountFen + delta } : p)),
          { ...twice!, transactionId: ++tx },
        ];
        // 3: the bill does not have it (the provider never took it).
        const shortBill = bill.filter((r) => r.outId !== extra!.outId || r.kind !== extra!.kind);
        const found = compareDay({ bill: shortBill, postings: spoiled, window }).mismatches.map((m) => [m.kind, m.outId]);
        expect(found.sort()).toEqual(
          [
            ["missing_in_ledger", gone!.outId],
            ["amount_differs", other!.outId],
            ["duplicate_posting", twice!.outId],
            ["missing_at_provider", extra!.outId],
          ].sort(),
        );
      }),
    );
  });

  it("a posting just after midnight is matched by the previous day's bill, a posting of another day by its out-id", () => {
    const bill: BillRow[] = [{ kind: "payment", outId: "FL1", providerRef: "r1", amountFen: 100, at: new Date(window.to.getTime() - 1000) }];
    // The provider's 23:59:59 payment, posted at 00:00:01 the next day: today's run finds its posting.
    const late: Posting = { transactionId: 1, kind: "payment", outId: "FL1", providerRef: "r1", amountFen: 100, at: new Date(window.to.getTime() + 1000) };
    expect(compareDay({ bill, postings: [late], window }).mismatches).toEqual([]);
    // Tomorrow's run: the posting is of its day, its bill lacks it, yesterday's has it.
    const tomorrow = { from: window.to, to: new Date(window.to.getTime() + 86_400_000) };
    expect(compareDay({ bill: [], postings: [late], window: tomorrow }).mismatches.map((m) => m.kind)).toEqual(["missing_at_provider"]);
    expect(compareDay({ bill: [], postings: [late], window: tomorrow, earlierBill: billKeys(bill) }).mismatches).toEqual([]);
    // A refund of the same out-id is another transaction: yesterday's payment does not cover it.
    const refund: Posting = { ...late, transactionId: 2, kind: "refund" };
    expect(compareDay({ bill: [], postings: [refund], window: tomorrow, earlierBill: billKeys(bill) }).mismatches.map((m) => m.kind)).toEqual(["missing_at_provider"]);
  });

  it("the previous day's bill covers one posting of its transaction, not a second one made today", () => {
    const bill: BillRow[] = [{ kind: "refund", outId: "RF1", providerRef: "r1", amountFen: 100, at: new Date(window.to.getTime() - 1000) }];
    const first: Posting = { transactionId: 1, kind: "refund", outId: "RF1", providerRef: "r1", amountFen: 100, at: new Date(window.to.getTime() - 500) };
    // A bug confirms the refund again the next morning: a second refund_sent, of the next day.
    const second: Posting = { ...first, transactionId: 2, at: new Date(window.to.getTime() + 3_600_000) };
    const tomorrow = { from: window.to, to: new Date(window.to.getTime() + 86_400_000) };
    const found = compareDay({ bill: [], postings: [first, second], window: tomorrow, earlierBill: billKeys(bill) }).mismatches;
    expect(found).toMatchObject([{ kind: "duplicate_posting", outId: "RF1", postings: 2, ledgerFen: 200 }]);
    // The same posting made just after midnight (the one and only) is still fine.
    expect(compareDay({ bill: [], postings: [second], window: tomorrow, earlierBill: billKeys(bill) }).mismatches).toEqual([]);
  });

  it("a posting seen twice (it matched both by day and by out-id) counts once", () => {
    const bill: BillRow[] = [{ kind: "refund", outId: "RF1", providerRef: "r", amountFen: 50, at: window.from }];
    const p: Posting = { transactionId: 7, kind: "refund", outId: "RF1", providerRef: "r", amountFen: 50, at: window.from };
    expect(compareDay({ bill, postings: [p, { ...p }], window }).mismatches).toEqual([]);
  });
});
