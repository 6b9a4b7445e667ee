import { chinaDayOf } from "./bill-text";

/**
 * What the fake providers put in a day's bill, and the discrepancies a test can inject into it.
 * Test support beside the fakes: no application module imports it.
 */

export type FakeBillRecord = {
  kind: "payment" | "refund" | "transfer";
  /** out_trade_no for a payment, out_refund_no / out_request_no for a refund, out_bill_no / out_biz_no for a transfer. */
  outId: string;
  /** The trade's out_trade_no (a refund row names the trade it belongs to); a transfer's out-id. */
  orderNo: string;
  /** transaction_id / trade_no of the trade; transfer_bill_no / order_id of a transfer. */
  tradeRef: string;
  /** refund_id, for a refund. */
  refundRef?: string;
  amountFen: number;
  at: Date;
};

export class BillTweaks {
  private extra: FakeBillRecord[] = [];
  private amounts = new Map<string, number>();
  private dropped = new Set<string>();

  /** A row the provider lists that the app never heard of (money taken or returned behind its back). */
  add(record: FakeBillRecord): void {
    this.extra.push(record);
  }

  /** The provider's bill shows another amount for this out-id. */
  setAmount(outId: string, amountFen: number): void {
    this.amounts.set(outId, amountFen);
  }

  /** The provider's bill leaves this out-id out. */
  drop(outId: string): void {
    this.dropped.add(outId);
  }

  clear(): void {
    this.extra = [];
    this.amounts.clear();
    this.dropped.clear();
  }

  /** The records of one China-time day, tweaks applied, in time order. */
  apply(records: FakeBillRecord[], day: string): FakeBillRecord[] {
    return [...records, ...this.extra]
      .filter((r) => chinaDayOf(r.at) === day && !this.dropped.has(r.outId))
      .map((r) => (this.amounts.has(r.outId) ? { ...r, amountFen: this.amounts.get(r.outId)! } : r))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}

/** fen → "12.34" (the fakes write amounts as the providers do). */
export function fenText(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? "-" : ""}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** One movement of a fake account statement: the record, its direction, and the balance after it. */
export type StatementLine = { record: FakeBillRecord; index: number; income: boolean; balanceFen: number };

/**
 * A statement's running balance and its totals, as both providers' account statements print them:
 * a payment comes in, a refund or a transfer goes out.
 */
export function statementLines(records: FakeBillRecord[], openingFen: number) {
  const sum = { inCount: 0, inFen: 0, outCount: 0, outFen: 0 };
  let balanceFen = openingFen;
  const lines: StatementLine[] = records.map((record, index) => {
    const income = record.kind === "payment";
    balanceFen += income ? record.amountFen : -record.amountFen;
    if (income) {
      sum.inCount++;
      sum.inFen += record.amountFen;
    } else {
      sum.outCount++;
      sum.outFen += record.amountFen;
    }
    return { record, index, income, balanceFen };
  });
  return { lines, sum };
}
