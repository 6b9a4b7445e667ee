import type { BillRow } from "../provider";
import { BillFormatError, chinaTimeToDate, yuanTextToFen } from "../bill-text";
import { table, zipTitledTexts } from "./bill";

/**
 * Alipay's account bill (账务明细, alipay.data.dataservice.bill.downloadurl.query with
 * bill_type=signcustomer): a zip of GBK CSV files. The details file (…_账务明细.csv, first line
 * "#支付宝账务明细查询") has the same `#` comment frame as the trade bill around a header row
 * (账务流水号, 业务流水号, 商户订单号, 商品名称, 发生时间, 对方账号, 收入金额（+元）, 支出金额（-元）,
 * 账户余额（元）, 交易渠道, 业务类型, 备注) and one row per movement of the account's money, closed
 * by "#支出合计：N笔，共-X元" and "#收入合计：M笔，共Y元".
 *
 * Every movement is read and both footers checked against the rows (counts and amounts): a file
 * cut short or altered is refused. The transfers are the rows of 业务类型 转账: money out is a
 * transfer sent, money in one that came back; each is keyed by 商户订单号 (our out_biz_no) with
 * 业务流水号 (Alipay's order_id) as the provider's reference. Payments and refunds are reconciled
 * from the trade bill.
 */

const TITLE = "#支付宝账务明细查询";
export const TRANSFER_TYPE = "转账";

const COLUMNS = {
  flowNo: "账务流水号",
  businessNo: "业务流水号",
  outNo: "商户订单号",
  at: "发生时间",
  income: "收入金额（+元）",
  expense: "支出金额（-元）",
  type: "业务类型",
} as const;

export type AlipayAccountSummary = { outCount: number; outFen: number; inCount: number; inFen: number };

function footer(comments: string[], label: "支出" | "收入"): { count: number; fen: number } {
  const re = new RegExp(`^#${label}合计[:：]\\s*(\\d+)\\s*笔[,，]\\s*共\\s*(-?[\\d.]+)\\s*元`);
  const m = comments.map((c) => re.exec(c)).find(Boolean);
  if (!m) throw new BillFormatError(`Alipay account bill: no ${label}合计 line at the end`);
  return { count: Number(m[1]), fen: yuanTextToFen(m[2]!, `Alipay account bill ${label}合计`) };
}

export function parseAlipayAccountBill(zip: Uint8Array): { transfers: BillRow[]; summary: AlipayAccountSummary } {
  const file = zipTitledTexts(zip).find((f) => f.title.startsWith(TITLE));
  if (!file) throw new BillFormatError("Alipay account bill: the zip holds no 账务明细 file");
  const t = table(file.text, "Alipay account bill");
  const col = Object.fromEntries(
    Object.entries(COLUMNS).map(([k, name]) => {
      const i = t.header.indexOf(name);
      if (i < 0) throw new BillFormatError(`Alipay account bill: no column ${name}`);
      return [k, i];
    }),
  ) as Record<keyof typeof COLUMNS, number>;

  const seen = { outCount: 0, outFen: 0, inCount: 0, inFen: 0 };
  const transfers: BillRow[] = [];
  t.rows.forEach((f, n) => {
    const where = `Alipay account bill row ${n + 1}`;
    // Free text (商品名称, 备注) may hold a comma, which Alipay does not quote: the row is refused
    // rather than read with its columns shifted.
    if (f.length !== t.header.length) throw new BillFormatError(`${where}: ${f.length} fields, the header has ${t.header.length}`);
    const income = f[col.income] ? yuanTextToFen(f[col.income]!, where) : 0;
    const expense = f[col.expense] ? yuanTextToFen(f[col.expense]!, where) : 0;
    // One side per row: income written positive, expense negative.
    if (income < 0 || expense > 0 || (income !== 0) === (expense !== 0)) throw new BillFormatError(`${where}: not one income or one expense`);
    const at = chinaTimeToDate(f[col.at]!, where);
    if (income > 0) {
      seen.inCount++;
      seen.inFen += income;
    } else {
      seen.outCount++;
      seen.outFen += expense;
    }
    if (f[col.type] !== TRANSFER_TYPE) return;
    const outId = f[col.outNo]!;
    if (!outId) throw new BillFormatError(`${where}: a transfer without 商户订单号`);
    transfers.push({ kind: "transfer", outId, providerRef: f[col.businessNo]!, amountFen: expense !== 0 ? -expense : -income, at });
  });

  const out = footer(t.comments, "支出");
  const inn = footer(t.comments, "收入");
  const summary: AlipayAccountSummary = { outCount: out.count, outFen: out.fen, inCount: inn.count, inFen: inn.fen };
  for (const k of ["outCount", "outFen", "inCount", "inFen"] as const) {
    if (summary[k] !== seen[k]) throw new BillFormatError(`Alipay account bill: the footer's ${k} is ${summary[k]}, the rows make ${seen[k]}`);
  }
  return { transfers, summary };
}
