import type { BillRow } from "../provider";
import { BillFormatError, chinaTimeToDate, yuanTextToFen } from "../bill-text";

/**
 * WeChat Pay's trade bill (交易账单, bill_type=ALL), as its documentation describes the file:
 *
 * - a header row of column names (their order is not promised, so columns are found by name);
 * - one row per payment (交易状态 SUCCESS, at its success time) and one per refund (交易状态
 *   REFUND, at the time WeChat accepted it), every field prefixed with a backtick so a
 *   spreadsheet keeps long numbers as text;
 * - a summary header (总交易单数, …) and one summary row, also backticked.
 *
 * Amounts are yuan. Fields are split on ",`" (a comma starts the next field only where a backtick
 * follows it), so a comma inside a product name does not shift the columns. The summary is
 * checked against the rows: a file cut short or altered does not read as a smaller clean day.
 */

export type WechatBillSummary = { count: number; paymentFen: number | null; refundFen: number | null };

const COLUMNS = {
  time: "交易时间",
  transactionId: "微信订单号",
  outTradeNo: "商户订单号",
  state: "交易状态",
  total: "订单金额",
  settlement: "应结订单金额",
  refundId: "微信退款单号",
  outRefundNo: "商户退款单号",
  refund: "退款金额",
  refundRequested: "申请退款金额",
} as const;

const SUMMARY_FIRST = "总交易单数";

/** A backticked row's fields (shared with the fund-flow bill, which writes rows the same way). */
export function fields(line: string): string[] {
  const body = line.startsWith("`") ? line.slice(1) : line;
  return body.split(",`").map((f) => f.trim());
}

function columnIndex(header: string[], name: string, required: boolean): number {
  const i = header.indexOf(name);
  if (i < 0 && required) throw new BillFormatError(`WeChat bill: no column ${name}`);
  return i;
}

export function parseWechatTradeBill(text: string): { rows: BillRow[]; summary: WechatBillSummary } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 3) throw new BillFormatError("WeChat bill: fewer lines than a header and a summary");
  const header = lines[0]!.split(",").map((h) => h.trim());
  const col = {
    time: columnIndex(header, COLUMNS.time, true),
    transactionId: columnIndex(header, COLUMNS.transactionId, true),
    outTradeNo: columnIndex(header, COLUMNS.outTradeNo, true),
    state: columnIndex(header, COLUMNS.state, true),
    total: columnIndex(header, COLUMNS.total, false),
    settlement: columnIndex(header, COLUMNS.settlement, true),
    refundId: columnIndex(header, COLUMNS.refundId, true),
    outRefundNo: columnIndex(header, COLUMNS.outRefundNo, true),
    refund: columnIndex(header, COLUMNS.refund, true),
    refundRequested: columnIndex(header, COLUMNS.refundRequested, false),
  };

  const summaryAt = lines.findIndex((l, i) => i > 0 && l.split(",")[0]!.trim() === SUMMARY_FIRST);
  if (summaryAt < 0 || summaryAt !== lines.length - 2) throw new BillFormatError("WeChat bill: no summary block at the end");

  const rows: BillRow[] = [];
  let paymentFen = 0;
  let refundFen = 0;
  for (let n = 1; n < summaryAt; n++) {
    const f = fields(lines[n]!);
    if (f.length !== header.length) throw new BillFormatError(`WeChat bill line ${n + 1}: ${f.length} fields, the header has ${header.length}`);
    const where = `WeChat bill line ${n + 1}`;
    const at = chinaTimeToDate(f[col.time]!, where);
    const state = f[col.state]!;
    if (state === "SUCCESS") {
      // 订单金额 is what the customer's order was for (our cash_fen); older files lack it and
      // carry only 应结订单金额, which equals it when no voucher paid part.
      const amountFen = yuanTextToFen(f[col.total >= 0 ? col.total : col.settlement]!, where);
      rows.push({ kind: "payment", outId: f[col.outTradeNo]!, providerRef: f[col.transactionId]!, amountFen, at });
      paymentFen += amountFen;
    } else if (state === "REFUND") {
      const amountFen = yuanTextToFen(f[col.refundRequested >= 0 ? col.refundRequested : col.refund]!, where);
      rows.push({ kind: "refund", outId: f[col.outRefundNo]!, providerRef: f[col.refundId]!, amountFen, at });
      refundFen += amountFen;
    } else {
      // The bill holds only successful payments and accepted refunds: anything else means the
      // format changed, and guessing would hide money.
      throw new BillFormatError(`${where}: unknown 交易状态 ${state.slice(0, 20)}`);
    }
    if (!rows.at(-1)!.outId) throw new BillFormatError(`${where}: no merchant order or refund number`);
  }

  const sHeader = lines[summaryAt]!.split(",").map((h) => h.trim());
  const s = fields(lines[summaryAt + 1]!);
  if (s.length !== sHeader.length) throw new BillFormatError("WeChat bill: the summary row does not fit its header");
  const sum = (name: string) => {
    const i = sHeader.indexOf(name);
    return i < 0 ? null : yuanTextToFen(s[i]!, `WeChat bill summary ${name}`);
  };
  const countText = s[0]!;
  if (!/^\d+$/.test(countText)) throw new BillFormatError("WeChat bill: 总交易单数 is not a count");
  const summary: WechatBillSummary = {
    count: Number(countText),
    paymentFen: sum("订单总金额"),
    refundFen: sum("申请退款总金额"),
  };
  if (summary.count !== rows.length) throw new BillFormatError(`WeChat bill: the summary counts ${summary.count} rows, the file has ${rows.length}`);
  if (summary.paymentFen !== null && col.total >= 0 && summary.paymentFen !== paymentFen) {
    throw new BillFormatError("WeChat bill: 订单总金额 is not the sum of the payments");
  }
  if (summary.refundFen !== null && col.refundRequested >= 0 && summary.refundFen !== refundFen) {
    throw new BillFormatError("WeChat bill: 申请退款总金额 is not the sum of the refunds");
  }
  return { rows, summary };
}
