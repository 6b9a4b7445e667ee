import type { BillRow } from "../provider";
import { BillFormatError, chinaTimeToDate, yuanTextToFen } from "../bill-text";
import { fields } from "./bill";

/**
 * WeChat Pay's fund-flow bill (资金账单, GET /v3/bill/fundflowbill, account_type BASIC), as its
 * documentation describes the file: a header row (记账时间, 微信支付业务单号, 资金流水单号, 业务名称,
 * 业务类型, 收支类型, 收支金额(元), 账户结余(元), 资金变更提交申请人, 备注, 业务凭证号), one
 * backticked row per movement of the account's money, then the summary header (资金流水总笔数,
 * 收入笔数, 收入金额, 支出笔数, 支出金额) and its row, whose counts WeChat writes as "20.0".
 *
 * Every movement is read and the summary checked against all of them (a file cut short or altered
 * is refused, never read as a smaller clean day); the transfers are then the 商家转账 rows: 支出 is
 * money sent, 收入 money that came back (a transfer returned), each keyed by its 业务凭证号 (our
 * out_bill_no) with 微信支付业务单号 (WeChat's transfer_bill_no) as the provider's reference.
 * Payments and refunds are also in the trade bill, which is where they are reconciled.
 */

export const TRANSFER_NAME = "商家转账";

const COLUMNS = {
  time: "记账时间",
  businessNo: "微信支付业务单号",
  name: "业务名称",
  direction: "收支类型",
  amount: "收支金额(元)",
  voucher: "业务凭证号",
} as const;

const SUMMARY = { count: "资金流水总笔数", inCount: "收入笔数", inAmount: "收入金额", outCount: "支出笔数", outAmount: "支出金额" } as const;

export type WechatFundSummary = { count: number; inCount: number; inFen: number; outCount: number; outFen: number };

/** "20.0" or "20" → 20: the summary writes counts with a decimal point. */
function countOf(text: string, what: string): number {
  const m = /^(\d+)(?:\.0+)?$/.exec(text);
  if (!m) throw new BillFormatError(`WeChat fund bill: ${what} "${text.slice(0, 20)}" is not a count`);
  return Number(m[1]);
}

export function parseWechatFundFlowBill(text: string): { transfers: BillRow[]; summary: WechatFundSummary } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 3) throw new BillFormatError("WeChat fund bill: fewer lines than a header and a summary");
  const header = lines[0]!.split(",").map((h) => h.trim());
  const col = Object.fromEntries(
    Object.entries(COLUMNS).map(([k, name]) => {
      const i = header.indexOf(name);
      if (i < 0) throw new BillFormatError(`WeChat fund bill: no column ${name}`);
      return [k, i];
    }),
  ) as Record<keyof typeof COLUMNS, number>;

  const summaryAt = lines.findIndex((l, i) => i > 0 && l.split(",")[0]!.trim() === SUMMARY.count);
  if (summaryAt < 0 || summaryAt !== lines.length - 2) throw new BillFormatError("WeChat fund bill: no summary block at the end");

  const seen = { count: 0, inCount: 0, inFen: 0, outCount: 0, outFen: 0 };
  const transfers: BillRow[] = [];
  for (let n = 1; n < summaryAt; n++) {
    const where = `WeChat fund bill line ${n + 1}`;
    const f = fields(lines[n]!);
    if (f.length !== header.length) throw new BillFormatError(`${where}: ${f.length} fields, the header has ${header.length}`);
    const amountFen = yuanTextToFen(f[col.amount]!, where);
    if (amountFen < 0) throw new BillFormatError(`${where}: a negative 收支金额 (the direction is 收支类型)`);
    const direction = f[col.direction]!;
    if (direction !== "收入" && direction !== "支出") throw new BillFormatError(`${where}: unknown 收支类型 ${direction.slice(0, 10)}`);
    const at = chinaTimeToDate(f[col.time]!, where);
    seen.count++;
    if (direction === "收入") {
      seen.inCount++;
      seen.inFen += amountFen;
    } else {
      seen.outCount++;
      seen.outFen += amountFen;
    }
    if (f[col.name] !== TRANSFER_NAME) continue;
    const outId = f[col.voucher]!;
    if (!outId) throw new BillFormatError(`${where}: a transfer without 业务凭证号`);
    transfers.push({ kind: "transfer", outId, providerRef: f[col.businessNo]!, amountFen: direction === "支出" ? amountFen : -amountFen, at });
  }

  const sHeader = lines[summaryAt]!.split(",").map((h) => h.trim());
  const s = fields(lines[summaryAt + 1]!);
  if (s.length !== sHeader.length) throw new BillFormatError("WeChat fund bill: the summary row does not fit its header");
  const cell = (name: string) => {
    const i = sHeader.indexOf(name);
    if (i < 0) throw new BillFormatError(`WeChat fund bill: the summary has no ${name}`);
    return s[i]!;
  };
  const summary: WechatFundSummary = {
    count: countOf(cell(SUMMARY.count), SUMMARY.count),
    inCount: countOf(cell(SUMMARY.inCount), SUMMARY.inCount),
    inFen: yuanTextToFen(cell(SUMMARY.inAmount), `WeChat fund bill summary ${SUMMARY.inAmount}`),
    outCount: countOf(cell(SUMMARY.outCount), SUMMARY.outCount),
    outFen: yuanTextToFen(cell(SUMMARY.outAmount), `WeChat fund bill summary ${SUMMARY.outAmount}`),
  };
  for (const k of ["count", "inCount", "inFen", "outCount", "outFen"] as const) {
    if (summary[k] !== seen[k]) throw new BillFormatError(`WeChat fund bill: the summary's ${k} is ${summary[k]}, the rows make ${seen[k]}`);
  }
  return { transfers, summary };
}
