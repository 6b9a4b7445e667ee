import { unzipSync } from "fflate";
import type { BillRow } from "../provider";
import { BillFormatError, chinaTimeToDate, yuanTextToFen } from "../bill-text";

/**
 * Alipay's trade bill (业务账单, bill_type=trade): a zip of CSV files in GBK. The details file
 * (…_业务明细.csv) opens with `#` comment lines (the account, the period, a rule line), then a
 * header row and one row per trade (业务类型 交易) or refund (业务类型 退款, amounts negative,
 * 退款批次号/请求号 holding our out_request_no), then comment lines again: the end rule and
 * "#交易合计：N笔，退款合计：M笔". The summary file (…_业务明细(汇总).csv) has the same comment
 * frame around a per-store table whose 合计 row carries the counts. Fields carry trailing tabs
 * (Alipay's guard against spreadsheets), trimmed here. The files are told apart by their first
 * comment line, not by name: the zip's names are GBK without the UTF-8 flag, which unzip tools
 * read differently.
 */

const GBK = new TextDecoder("gbk", { fatal: true });

const DETAIL_TITLE = "#支付宝业务明细查询";
const SUMMARY_TITLE = "#支付宝业务汇总查询";

const COLUMNS = {
  tradeNo: "支付宝交易号",
  outTradeNo: "商户订单号",
  type: "业务类型",
  subject: "商品名称",
  finishedAt: "完成时间",
  amount: "订单金额（元）",
  outRequestNo: "退款批次号/请求号",
} as const;

/** What a bill says of itself: counts of trades and refunds, and the net of 订单金额 (refunds negative), in fen. */
export type AlipayBillSummary = { trades: number; refunds: number; netFen: number };

export type Table = { comments: string[]; header: string[]; rows: string[][] };

/** A file's `#` comment lines, its header row and its rows (fields trimmed of Alipay's tabs). */
export function table(text: string, what: string): Table {
  const comments: string[] = [];
  let header: string[] | null = null;
  const rows: string[][] = [];
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    if (raw.trim() === "") continue;
    if (raw.startsWith("#")) {
      comments.push(raw.trim());
      continue;
    }
    const f = raw.split(",").map((x) => x.trim());
    if (!header) header = f;
    else rows.push(f);
  }
  if (!header) throw new BillFormatError(`${what}: no header row`);
  return { comments, header, rows };
}

function decode(bytes: Uint8Array, name: string): string {
  try {
    return GBK.decode(bytes);
  } catch {
    throw new BillFormatError(`Alipay bill: ${name} is not GBK text`);
  }
}

/** Each text file of a bill zip, decoded from GBK, by its first comment line (its title). */
export function zipTitledTexts(zip: Uint8Array): { title: string; text: string }[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch {
    throw new BillFormatError("Alipay bill: not a zip file");
  }
  return Object.entries(files)
    .filter(([name]) => !name.endsWith("/"))
    .map(([name, bytes]) => {
      const text = decode(bytes, name);
      return { title: text.replace(/^\uFEFF/, "").trimStart().split(/\r?\n/, 1)[0]!.trim(), text };
    });
}

/** The two files of the zip, found by their first comment line. */
export function alipayBillFiles(zip: Uint8Array): { details: string; summary: string } {
  const files = zipTitledTexts(zip);
  const details = files.find((f) => f.title.startsWith(DETAIL_TITLE))?.text ?? null;
  const summary = files.find((f) => f.title.startsWith(SUMMARY_TITLE))?.text ?? null;
  if (details === null) throw new BillFormatError("Alipay bill: the zip holds no 业务明细 file");
  if (summary === null) throw new BillFormatError("Alipay bill: the zip holds no 业务汇总 file");
  return { details, summary };
}

function detailRows(text: string): { rows: BillRow[]; footer: Omit<AlipayBillSummary, "netFen">; netFen: number } {
  const t = table(text, "Alipay details");
  const at = (name: string) => {
    const i = t.header.indexOf(name);
    if (i < 0) throw new BillFormatError(`Alipay details: no column ${name}`);
    return i;
  };
  const col = {
    tradeNo: at(COLUMNS.tradeNo),
    outTradeNo: at(COLUMNS.outTradeNo),
    type: at(COLUMNS.type),
    subject: at(COLUMNS.subject),
    finishedAt: at(COLUMNS.finishedAt),
    amount: at(COLUMNS.amount),
    outRequestNo: at(COLUMNS.outRequestNo),
  };
  const rows: BillRow[] = [];
  // The sum of 订单金额 as written (refunds negative), which the summary file's 合计 must equal.
  let netFen = 0;
  t.rows.forEach((raw, n) => {
    const where = `Alipay details row ${n + 1}`;
    // Alipay does not quote: a comma in a product name splits it. The name is the one free-text
    // column before the amounts, so the surplus fields are folded back into it.
    let f = raw;
    if (f.length > t.header.length) {
      const extra = f.length - t.header.length;
      f = [...f.slice(0, col.subject), f.slice(col.subject, col.subject + extra + 1).join(","), ...f.slice(col.subject + extra + 1)];
    }
    if (f.length !== t.header.length) throw new BillFormatError(`${where}: ${f.length} fields, the header has ${t.header.length}`);
    const amount = yuanTextToFen(f[col.amount]!, where);
    netFen += amount;
    const when = chinaTimeToDate(f[col.finishedAt]!, where);
    const type = f[col.type]!;
    if (type === "交易") {
      if (amount <= 0) throw new BillFormatError(`${where}: a trade of ${f[col.amount]} yuan`);
      rows.push({ kind: "payment", outId: f[col.outTradeNo]!, providerRef: f[col.tradeNo]!, amountFen: amount, at: when });
    } else if (type === "退款") {
      // A refund's amount is written negative (money going back); a refund asked for without an
      // out_request_no is keyed by the trade's own number, as Alipay does.
      rows.push({ kind: "refund", outId: f[col.outRequestNo]! || f[col.outTradeNo]!, providerRef: f[col.tradeNo]!, amountFen: Math.abs(amount), at: when });
    } else {
      throw new BillFormatError(`${where}: unknown 业务类型 ${type.slice(0, 20)}`);
    }
    if (!rows.at(-1)!.outId) throw new BillFormatError(`${where}: no merchant order number`);
  });
  const footer = t.comments.map((c) => /^#交易合计[:：]\s*(\d+)\s*笔[,，]\s*退款合计[:：]\s*(\d+)\s*笔/.exec(c)).find(Boolean);
  if (!footer) throw new BillFormatError("Alipay details: no 交易合计 line at the end");
  return { rows, footer: { trades: Number(footer[1]), refunds: Number(footer[2]) }, netFen };
}

function summaryCounts(text: string): AlipayBillSummary {
  const t = table(text, "Alipay summary");
  const trades = t.header.indexOf("交易订单总笔数");
  const refunds = t.header.indexOf("退款订单总笔数");
  const amount = t.header.indexOf("订单金额（元）");
  if (trades < 0 || refunds < 0 || amount < 0) throw new BillFormatError("Alipay summary: no 交易订单总笔数 / 退款订单总笔数 / 订单金额（元） columns");
  const total = t.rows.find((r) => r[0] === "合计");
  if (!total) throw new BillFormatError("Alipay summary: no 合计 row");
  const count = (s: string | undefined) => {
    if (!s || !/^\d+$/.test(s)) throw new BillFormatError("Alipay summary: a count is not a number");
    return Number(s);
  };
  return { trades: count(total[trades]), refunds: count(total[refunds]), netFen: yuanTextToFen(total[amount] ?? "", "Alipay summary 合计 订单金额") };
}

/**
 * The rows of a downloaded bill zip, checked: the details' own footer and the summary file must
 * both count exactly the trades and refunds listed, and the summary's net 订单金额 must equal the
 * details' amounts added up, or the file is refused (cut short, altered, or not what the
 * documentation describes).
 */
export function parseAlipayTradeBill(zip: Uint8Array): { rows: BillRow[]; summary: AlipayBillSummary } {
  const files = alipayBillFiles(zip);
  const { rows, footer, netFen } = detailRows(files.details);
  const summary = summaryCounts(files.summary);
  const listed = { trades: rows.filter((r) => r.kind === "payment").length, refunds: rows.filter((r) => r.kind === "refund").length };
  for (const [what, counts] of [["交易合计", footer], ["汇总", summary]] as const) {
    if (counts.trades !== listed.trades || counts.refunds !== listed.refunds) {
      throw new BillFormatError(
        `Alipay bill: ${what} counts ${counts.trades} trades and ${counts.refunds} refunds, the details list ${listed.trades} and ${listed.refunds}`,
      );
    }
  }
  // The amounts too: a row whose amount was altered, or a summary of another file, is refused.
  if (summary.netFen !== netFen) {
    throw new BillFormatError(`Alipay bill: the summary's 订单金额 is ${summary.netFen} fen, the details add up to ${netFen} fen`);
  }
  return { rows, summary };
}
