// What the run saw: every request by kind and outcome, every answer the app acknowledged (the
// promises checked afterwards), and violations noticed while it ran.
import type { Outcome } from "./http";

export type OutcomeKind = Outcome["kind"];

export type PosAck = { merchantId: number; key: string; orderNo: string; customerId: number; entryIds: number[] };
export type WebAck = { customerId: number; key: string; orderNo: string; cashFen: number; pointsUsed: number; paid: boolean };
export type LeaveAck = { entryId: number; customerId: number; points: number };
export type RefundAck = { orderNo: string; by: "merchant" | "operator" };
export type WithdrawalAck = { id: number; userId: number; amountFen: number; decision?: "approved" | "rejected" };

const MAX_EXAMPLES = 8;

export class RunLog {
  readonly requests: Record<string, Partial<Record<OutcomeKind, number>>> = {};
  readonly pos = new Map<string, PosAck>();
  readonly web = new Map<string, WebAck>();
  readonly leaves: LeaveAck[] = [];
  readonly refunds: RefundAck[] = [];
  readonly withdrawals = new Map<number, WithdrawalAck>();
  /** A few refusal reasons per kind of request, to read why the app said no. */
  readonly refusals = new Map<string, Map<string, number>>();
  /** Answer times per kind of request, in ms. */
  readonly latencies = new Map<string, number[]>();
  drainPaidAck = 0;
  /** Violations seen while running: each a category and its examples. */
  readonly violations = new Map<string, { count: number; examples: string[] }>();

  count(kind: string, outcome: Outcome): void {
    const row = (this.requests[kind] ??= {});
    if (outcome.ms !== undefined) {
      const l = this.latencies.get(kind) ?? [];
      l.push(outcome.ms);
      this.latencies.set(kind, l);
    }
    row[outcome.kind] = (row[outcome.kind] ?? 0) + 1;
    if (outcome.kind === "refused" || outcome.kind === "unavailable") {
      const reasons = this.refusals.get(kind) ?? new Map<string, number>();
      const reason = `${outcome.status} ${outcome.message.slice(0, 120)}`;
      if (reasons.has(reason) || reasons.size < 6) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      this.refusals.set(kind, reasons);
    }
    if (outcome.kind === "failed") this.violation("app failures (5xx or the action's generic error)", `${kind}: ${outcome.status} ${outcome.message}`);
  }

  violation(category: string, example: string): void {
    const v = this.violations.get(category) ?? { count: 0, examples: [] };
    v.count += 1;
    if (v.examples.length < MAX_EXAMPLES) v.examples.push(example.slice(0, 400));
    this.violations.set(category, v);
  }

  /** p50 and p95 answer time per kind, in ms. */
  latencySummary(): Record<string, { p50: number; p95: number }> {
    const out: Record<string, { p50: number; p95: number }> = {};
    for (const [kind, l] of [...this.latencies].sort()) {
      const sorted = [...l].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      out[kind] = { p50: at(0.5), p95: at(0.95) };
    }
    return out;
  }

  totalRequests(): number {
    return Object.values(this.requests).reduce((s, r) => s + Object.values(r).reduce((a, b) => a + (b ?? 0), 0), 0);
  }

  /** Requests per kind, and per outcome over all kinds. */
  summary(): { byKind: Record<string, number>; byOutcome: Record<string, number> } {
    const byKind: Record<string, number> = {};
    const byOutcome: Record<string, number> = {};
    for (const [kind, r] of Object.entries(this.requests).sort()) {
      for (const [o, n] of Object.entries(r)) {
        byKind[kind] = (byKind[kind] ?? 0) + (n ?? 0);
        byOutcome[o] = (byOutcome[o] ?? 0) + (n ?? 0);
      }
    }
    return { byKind, byOutcome };
  }
}
