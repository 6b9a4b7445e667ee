import type { BillRow } from "@/lib/payments/provider";

/**
 * The rule of the daily reconciliation, as a pure function: every provider transaction of the day
 * has exactly one posting of the same amount, and no posting of the day lacks a provider
 * transaction. Both sides are keyed by kind and our out-id (the order number for a payment, the
 * out_refund_no for a refund), which the provider echoes in its bill.
 *
 * Days meet at midnight: the ledger posts when the provider confirms, a little after the provider's
 * own time. So a bill row is matched with its postings whenever they were made, and a posting of
 * the day that the day's bill lacks is still fine when the previous day's bill has it.
 */

export type MismatchKind = "missing_in_ledger" | "missing_at_provider" | "amount_differs" | "duplicate_posting";

/** A posting that moved money over a provider's rails (order_paid in; refund_sent and withdrawal_paid out). */
export type Posting = {
  transactionId: number;
  kind: "payment" | "refund" | "transfer";
  outId: string;
  providerRef: string | null;
  /** The cash that crossed the rails, positive in the kind's direction (in for a payment, out for a refund). */
  amountFen: number;
  at: Date;
};

export type Mismatch = {
  kind: MismatchKind;
  txKind: BillRow["kind"];
  outId: string;
  providerRef: string | null;
  /** What the bill says, summed over its rows for this out-id; null when it has none. */
  providerFen: number | null;
  /** What the ledger posted, summed; null when nothing. */
  ledgerFen: number | null;
  postings: number;
  at: Date | null;
};

export type Totals = { providerCount: number; providerFen: number; ledgerCount: number; ledgerFen: number };

const key = (kind: string, outId: string) => `${kind}\u0000${outId}`;

/** Net of payments in, and refunds and transfers out. */
const signed = (r: { kind: string; amountFen: number }) => (r.kind === "payment" ? r.amountFen : -r.amountFen);

export function compareDay(args: {
  bill: BillRow[];
  /** The day's postings, plus any (of any day) whose out-id the bill names. */
  postings: Posting[];
  window: { from: Date; to: Date };
  /**
   * Keys of the previous day's bill, when it was needed; see above. `postings` must then hold every
   * posting (of any day) of those keys, so a second posting of such a transaction shows.
   */
  earlierBill?: ReadonlySet<string>;
}): { mismatches: Mismatch[]; totals: Totals } {
  const bill = new Map<string, BillRow[]>();
  for (const r of args.bill) {
    const k = key(r.kind, r.outId);
    bill.set(k, [...(bill.get(k) ?? []), r]);
  }
  const posted = new Map<string, Posting[]>();
  const seen = new Set<number>();
  for (const p of args.postings) {
    if (seen.has(p.transactionId)) continue;
    seen.add(p.transactionId);
    const k = key(p.kind, p.outId);
    posted.set(k, [...(posted.get(k) ?? []), p]);
  }

  const mismatches: Mismatch[] = [];
  for (const [k, rows] of bill) {
    const first = rows[0]!;
    const providerFen = rows.reduce((s, r) => s + r.amountFen, 0);
    const ps = posted.get(k) ?? [];
    const ledgerFen = ps.reduce((s, p) => s + p.amountFen, 0);
    const base = { txKind: first.kind, outId: first.outId, providerRef: first.providerRef, providerFen, postings: ps.length, at: first.at };
    if (ps.length === 0) mismatches.push({ ...base, kind: "missing_in_ledger", ledgerFen: null });
    else if (ps.length > 1) mismatches.push({ ...base, kind: "duplicate_posting", ledgerFen });
    else if (ledgerFen !== providerFen) mismatches.push({ ...base, kind: "amount_differs", ledgerFen });
  }

  const inDay = (p: Posting) => p.at >= args.window.from && p.at < args.window.to;
  for (const [k, ps] of posted) {
    if (bill.has(k) || !ps.some(inDay)) continue;
    // The previous day's bill covers one posting of its transaction (the one made just after
    // midnight), not a second one: the caller passes that key's postings of every day.
    if (args.earlierBill?.has(k) && ps.length === 1) continue;
    const first = ps[0]!;
    mismatches.push({
      kind: args.earlierBill?.has(k) ? "duplicate_posting" : "missing_at_provider",
      txKind: first.kind,
      outId: first.outId,
      providerRef: first.providerRef,
      providerFen: null,
      ledgerFen: ps.reduce((s, p) => s + p.amountFen, 0),
      postings: ps.length,
      at: first.at,
    });
  }
  mismatches.sort((a, b) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0) || a.outId.localeCompare(b.outId) || a.kind.localeCompare(b.kind));

  const dayPostings = [...posted.values()].flat().filter(inDay);
  return {
    mismatches,
    totals: {
      providerCount: args.bill.length,
      providerFen: args.bill.reduce((s, r) => s + signed(r), 0),
      ledgerCount: dayPostings.length,
      ledgerFen: dayPostings.reduce((s, p) => s + signed(p), 0),
    },
  };
}

/** The keys a bill's rows are matched by, for `earlierBill`. */
export function billKeys(rows: BillRow[]): Set<string> {
  return new Set(rows.map((r) => key(r.kind, r.outId)));
}
