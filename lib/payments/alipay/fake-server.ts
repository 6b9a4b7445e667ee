import { createSign, createVerify, generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { zipSync } from "fflate";
import { chinaDayBounds, dateToChinaTime } from "../bill-text";
import { BillTweaks, fenText, statementLines, type FakeBillRecord } from "../fake-bill";

/**
 * A stand-in for Alipay's open API gateway in tests, written from Alipay's documentation and
 * independent of the SDK (plain node:crypto): it checks every request's RSA2 sign against the
 * app's public key, signs every answer (`{"<method>_response": {…}, "sign": …}`) and every
 * notification (form fields sorted, sign and sign_type left out) with Alipay's key, and plays the
 * wap/page pay cashier for browser journeys. It keeps trades, refunds and transfers in memory and
 * can fail on purpose (5xx, no answer). It proves our side speaks the protocol; it does not prove
 * that real credentials work against the real service.
 */

export type AlipayFakeTrade = {
  orderNo: string;
  amount: string;
  status: "WAIT_BUYER_PAY" | "TRADE_SUCCESS" | "TRADE_CLOSED";
  tradeNo: string;
  notifyUrl: string;
  returnUrl: string;
  refunded: Map<string, string>;
  /** When the customer paid, and when each refund (by out_request_no) was made: the bill's times. */
  paidAt?: Date;
  refundedAt: Map<string, Date>;
};

type Fault = "5xx" | "timeout";

export function generateAlipayKeys() {
  const app = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const alipay = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    appId: "2021000000000001",
    appPrivateKey: app.privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    appPublicKey: app.publicKey.export({ type: "spki", format: "pem" }).toString(),
    alipayPrivateKey: alipay.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    alipayPublicKey: alipay.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** Alipay's sign content: `k=v` pairs sorted by key, joined by `&`, empty values left out. */
function signContent(params: Record<string, string>, omit: string[]): string {
  return Object.keys(params)
    .filter((k) => !omit.includes(k) && params[k] !== "")
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
}

const beijing = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");

export class AlipayFake {
  readonly keys = generateAlipayKeys();
  readonly trades = new Map<string, AlipayFakeTrade>();
  readonly transfers = new Map<string, { outBizNo: string; orderId: string; status: string; failReason?: string; amountFen: number; at: Date }>();
  readonly calls: string[] = [];
  /** Every notification deliver() posted, with the app's answer (Alipay wants the body `success`). */
  readonly delivered: { orderNo: string; status: number; answer: string }[] = [];
  rejected = 0;
  transferOutcome: { status: "SUCCESS" } | { status: "FAIL"; reason: string } = { status: "SUCCESS" };
  /** A refusal reason for some payees (a run mixing made and refused transfers), over transferOutcome. */
  refusePayee: ((identity: string) => string | null) | null = null;
  /** Discrepancies a test injects into the bills (an extra row, another amount, a row left out). */
  readonly bill = new BillTweaks();
  private billFiles = new Map<string, Uint8Array>();
  private faults: Fault[] = [];
  private server = http.createServer((req, res) => void this.handle(req, res));
  private sockets = new Set<Socket>();
  private seq = 0;
  /** The gateway address (…/gateway.do). */
  url = "";

  constructor() {
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/gateway.do`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  failNext(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /**
   * The customer opens a wap/page pay address: the fake checks its sign and creates the trade, as
   * Alipay does at that moment. Returns the order number.
   */
  open(payUrl: string): string {
    const params = Object.fromEntries(new URL(payUrl).searchParams);
    if (!this.signed(params)) throw new Error("fake Alipay: pay address with a bad sign");
    return this.createTrade(params);
  }

  pay(orderNo: string): AlipayFakeTrade {
    const t = this.trades.get(orderNo);
    if (!t) throw new Error(`fake Alipay: no trade ${orderNo}`);
    if (t.status === "WAIT_BUYER_PAY") {
      t.status = "TRADE_SUCCESS";
      t.paidAt = new Date();
    }
    return t;
  }

  /** What Alipay's trade bills list: every paid trade and every refund made. */
  billRecords(): FakeBillRecord[] {
    const out: FakeBillRecord[] = [];
    const fen = (yuan: string) => Math.round(Number(yuan) * 100);
    for (const t of this.trades.values()) {
      if (t.paidAt) out.push({ kind: "payment", outId: t.orderNo, orderNo: t.orderNo, tradeRef: t.tradeNo, amountFen: fen(t.amount), at: t.paidAt });
      for (const [outRequestNo, amount] of t.refunded) {
        out.push({ kind: "refund", outId: outRequestNo, orderNo: t.orderNo, tradeRef: t.tradeNo, amountFen: fen(amount), at: t.refundedAt.get(outRequestNo) ?? new Date() });
      }
    }
    return out;
  }

  /** What the account bill lists: the trade bill's money, and every transfer made. */
  accountRecords(): FakeBillRecord[] {
    const out = this.billRecords();
    for (const t of this.transfers.values()) {
      if (t.status === "SUCCESS") out.push({ kind: "transfer", outId: t.outBizNo, orderNo: t.outBizNo, tradeRef: t.orderId, amountFen: t.amountFen, at: t.at });
    }
    return out;
  }

  /** An asynchronous trade notification, form-encoded and signed as Alipay posts it to notify_url. */
  notification(orderNo: string, opts: { amount?: string; forge?: boolean; appId?: string; status?: string } = {}): { body: string; headers: Headers } {
    const t = this.trades.get(orderNo);
    const amount = opts.amount ?? t?.amount ?? "1.00";
    const params: Record<string, string> = {
      notify_time: beijing(),
      notify_type: "trade_status_sync",
      notify_id: randomBytes(16).toString("hex"),
      app_id: opts.appId ?? this.keys.appId,
      charset: "utf-8",
      version: "1.0",
      sign_type: "RSA2",
      trade_no: t?.tradeNo ?? `2026${Date.now()}${this.seq++}`,
      out_trade_no: orderNo,
      trade_status: opts.status ?? "TRADE_SUCCESS",
      total_amount: amount,
      receipt_amount: amount,
      buyer_pay_amount: amount,
      gmt_payment: beijing(),
      subject: "Freeline order",
    };
    const key = opts.forge ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey : this.keys.alipayPrivateKey;
    params.sign = createSign("RSA-SHA256").update(signContent(params, ["sign", "sign_type"]), "utf8").sign(key, "base64");
    return {
      body: new URLSearchParams(params).toString(),
      headers: new Headers({ "content-type": "application/x-www-form-urlencoded; charset=utf-8" }),
    };
  }

  async deliver(orderNo: string): Promise<string> {
    const t = this.trades.get(orderNo);
    if (!t) throw new Error(`fake Alipay: no trade ${orderNo}`);
    const { body, headers } = this.notification(orderNo);
    const res = await fetch(t.notifyUrl, { method: "POST", headers, body });
    const answer = await res.text();
    this.delivered.push({ orderNo, status: res.status, answer });
    return answer;
  }

  private signed(params: Record<string, string>): boolean {
    if (params.app_id !== this.keys.appId || params.sign_type !== "RSA2" || !params.sign) return false;
    try {
      return createVerify("RSA-SHA256").update(signContent(params, ["sign"]), "utf8").verify(this.keys.appPublicKey, params.sign, "base64");
    } catch {
      return false;
    }
  }

  private createTrade(params: Record<string, string>): string {
    const biz = JSON.parse(params.biz_content ?? "{}") as Record<string, string>;
    const orderNo = biz.out_trade_no!;
    if (!this.trades.has(orderNo)) {
      this.trades.set(orderNo, {
        orderNo,
        amount: biz.total_amount!,
        status: "WAIT_BUYER_PAY",
        tradeNo: `2026${Date.now()}${this.seq++}`,
        notifyUrl: params.notify_url ?? "",
        returnUrl: params.return_url ?? "",
        refunded: new Map(),
        refundedAt: new Map(),
      });
    }
    return orderNo;
  }

  private answer(res: http.ServerResponse, method: string, data: Record<string, unknown>): void {
    const key = `${method.replaceAll(".", "_")}_response`;
    const inner = JSON.stringify(data);
    const sign = createSign("RSA-SHA256").update(inner, "utf8").sign(this.keys.alipayPrivateKey, "base64");
    res.writeHead(200, { "content-type": "application/json;charset=utf-8" });
    res.end(`{"${key}":${inner},"sign":"${sign}"}`);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://fake");
    const params: Record<string, string> = { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))) };

    if (url.pathname === "/cashier") return this.cashier(url, req.method ?? "GET", res);
    if (url.pathname === "/bill") return this.billFile(url, res);

    const method = params.method ?? "";
    if (req.method === "GET" && (method === "alipay.trade.wap.pay" || method === "alipay.trade.page.pay")) {
      // The browser arrives with the signed pay address: show the cashier.
      if (!this.signed(params)) {
        res.writeHead(400, { "content-type": "text/plain" }).end("invalid-signature");
        return;
      }
      const orderNo = this.createTrade(params);
      res.writeHead(303, { location: `/cashier?order=${encodeURIComponent(orderNo)}` }).end();
      return;
    }

    const fault = this.faults.shift();
    if (fault === "timeout") return;
    if (fault === "5xx") {
      res.writeHead(502, { "content-type": "text/plain" }).end("bad gateway");
      return;
    }
    if (!this.signed(params)) {
      this.rejected++;
      // Alipay answers a bad sign at the gateway level, unsigned.
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ error_response: { code: "40002", msg: "Invalid Arguments", sub_code: "isv.invalid-signature" } }));
      return;
    }
    this.calls.push(method);
    const biz = JSON.parse(params.biz_content ?? "{}") as Record<string, unknown>;
    return this.route(method, biz, res);
  }

  private route(method: string, biz: Record<string, unknown>, res: http.ServerResponse): void {
    const ok = { code: "10000", msg: "Success" };
    const notExist = { code: "40004", msg: "Business Failed", sub_code: "ACQ.TRADE_NOT_EXIST", sub_msg: "trade does not exist" };
    const t = this.trades.get(String(biz.out_trade_no ?? ""));
    switch (method) {
      case "alipay.trade.query":
        if (!t) return this.answer(res, method, notExist);
        return this.answer(res, method, {
          ...ok,
          out_trade_no: t.orderNo,
          trade_no: t.tradeNo,
          trade_status: t.status,
          total_amount: t.amount,
        });
      case "alipay.trade.close":
        if (!t) return this.answer(res, method, notExist);
        if (t.status === "TRADE_SUCCESS") {
          return this.answer(res, method, { code: "40004", msg: "Business Failed", sub_code: "ACQ.TRADE_STATUS_ERROR", sub_msg: "trade paid" });
        }
        t.status = "TRADE_CLOSED";
        return this.answer(res, method, { ...ok, out_trade_no: t.orderNo, trade_no: t.tradeNo });
      case "alipay.trade.refund": {
        if (!t || t.status !== "TRADE_SUCCESS") return this.answer(res, method, notExist);
        const outRequestNo = String(biz.out_request_no ?? "");
        const prior = t.refunded.get(outRequestNo);
        if (prior) return this.answer(res, method, { ...ok, trade_no: t.tradeNo, out_trade_no: t.orderNo, refund_fee: prior, fund_change: "N" });
        const already = [...t.refunded.values()].reduce((s, v) => s + Math.round(Number(v) * 100), 0);
        const want = Math.round(Number(biz.refund_amount) * 100);
        if (!(want > 0) || already + want > Math.round(Number(t.amount) * 100)) {
          return this.answer(res, method, { code: "40004", msg: "Business Failed", sub_code: "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", sub_msg: "refund amount too large" });
        }
        t.refunded.set(outRequestNo, String(biz.refund_amount));
        t.refundedAt.set(outRequestNo, new Date());
        return this.answer(res, method, { ...ok, trade_no: t.tradeNo, out_trade_no: t.orderNo, refund_fee: String(biz.refund_amount), fund_change: "Y" });
      }
      case "alipay.trade.fastpay.refund.query": {
        const amount = t?.refunded.get(String(biz.out_request_no ?? ""));
        if (!t || !amount) return this.answer(res, method, { ...ok });
        return this.answer(res, method, { ...ok, trade_no: t.tradeNo, out_trade_no: t.orderNo, out_request_no: biz.out_request_no, refund_amount: amount, refund_status: "REFUND_SUCCESS" });
      }
      case "alipay.fund.trans.uni.transfer": {
        const outBizNo = String(biz.out_biz_no ?? "");
        const prior = this.transfers.get(outBizNo);
        const payee = biz.payee_info as { identity?: string; name?: string } | undefined;
        if (!prior && (!payee?.identity || !payee.name)) {
          return this.answer(res, method, { code: "40004", msg: "Business Failed", sub_code: "PAYEE_NOT_EXIST", sub_msg: "payee missing" });
        }
        const refusal = this.refusePayee?.(String(payee?.identity ?? "")) ?? null;
        const o = refusal ? { status: "FAIL" as const, reason: refusal } : this.transferOutcome;
        const record = prior ?? {
          outBizNo,
          orderId: `2026${Date.now()}${this.seq++}`,
          status: o.status,
          ...(o.status === "FAIL" ? { failReason: o.reason } : {}),
          amountFen: Math.round(Number(biz.trans_amount ?? 0) * 100),
          at: new Date(),
        };
        this.transfers.set(outBizNo, record);
        if (record.status === "FAIL") {
          return this.answer(res, method, { code: "40004", msg: "Business Failed", sub_code: record.failReason, sub_msg: record.failReason });
        }
        return this.answer(res, method, { ...ok, out_biz_no: outBizNo, order_id: record.orderId, status: record.status });
      }
      case "alipay.fund.trans.common.query": {
        const r = this.transfers.get(String(biz.out_biz_no ?? ""));
        if (!r) return this.answer(res, method, { code: "40004", msg: "Business Failed", sub_code: "ORDER_NOT_EXIST", sub_msg: "no such transfer" });
        return this.answer(res, method, { ...ok, out_biz_no: r.outBizNo, order_id: r.orderId, status: r.status, ...(r.failReason ? { fail_reason: r.failReason } : {}) });
      }
      case "alipay.data.dataservice.bill.downloadurl.query": {
        const day = String(biz.bill_date ?? "");
        const type = biz.bill_type;
        if ((type !== "trade" && type !== "signcustomer") || !/^\d{4}-\d{2}-\d{2}$/.test(day)) {
          return this.answer(res, method, { code: "40004", msg: "Business Failed", sub_code: "isv.invalid-parameter", sub_msg: "bill_type or bill_date" });
        }
        const records =
          type === "trade" ? this.bill.apply(this.billRecords(), day).filter((r) => r.kind !== "transfer") : this.bill.apply(this.accountRecords(), day);
        if (records.length === 0) return this.answer(res, method, { code: "40004", msg: "Business Failed", sub_code: "isp.bill_not_exist", sub_msg: "no bill" });
        const token = randomBytes(12).toString("hex");
        this.billFiles.set(token, type === "trade" ? renderAlipayTradeBill(records, day) : renderAlipayAccountBill(records, day));
        // The address Alipay answers is on another host and carries its own short-lived token.
        return this.answer(res, method, { ...ok, bill_download_url: `${this.url.replace(/\/gateway\.do$/, "")}/bill?token=${token}` });
      }
      default:
        return this.answer(res, method, { code: "40004", msg: "Business Failed", sub_code: "isv.invalid-method", sub_msg: `unknown ${method}` });
    }
  }

  /** The bill zip, unsigned, once per token (as Alipay's download address works). */
  private billFile(url: URL, res: http.ServerResponse): void {
    const token = url.searchParams.get("token") ?? "";
    const zip = this.billFiles.get(token);
    this.billFiles.delete(token);
    if (!zip) {
      res.writeHead(404, { "content-type": "text/plain" }).end("expired");
      return;
    }
    res.writeHead(200, { "content-type": "application/oct-stream" }).end(Buffer.from(zip));
  }

  /** The cashier page, for browser journeys: "Pay" pays, notifies, and returns to return_url. */
  private async cashier(url: URL, method: string, res: http.ServerResponse): Promise<void> {
    const t = this.trades.get(url.searchParams.get("order") ?? "");
    if (!t) {
      res.writeHead(404, { "content-type": "text/plain" }).end("no such trade");
      return;
    }
    if (method === "POST") {
      this.pay(t.orderNo);
      await this.deliver(t.orderNo).catch(() => "");
      const back = new URL(t.returnUrl);
      back.searchParams.set("out_trade_no", t.orderNo);
      back.searchParams.set("trade_no", t.tradeNo);
      res.writeHead(303, { location: back.toString() }).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
      `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width"><title>Alipay (test fake)</title></head>` +
        `<body><main><h1>Alipay (test fake)</h1><p>CNY ${t.amount}</p><form method="post"><button type="submit">Pay</button></form></main></body></html>`,
    );
  }
}

let gbkTable: Map<string, number[]> | null = null;

/**
 * Text → GBK bytes, for the fake's bill files. Node decodes GBK but does not encode it, so the
 * table is Node's own decoder run over every two-byte code once.
 */
export function gbkEncode(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder("gbk");
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(new Uint8Array([lead, trail]));
        if (ch.length === 1 && ch !== "\uFFFD" && !gbkTable.has(ch)) gbkTable.set(ch, [lead, trail]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = gbkTable.get(ch);
      if (!bytes) throw new Error(`gbkEncode: ${ch} has no GBK code`);
      out.push(...bytes);
    }
  }
  return Uint8Array.from(out);
}

const RULE = "#-----------------------------------------";
const DETAIL_HEADER =
  "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）," +
  "集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";
const SUMMARY_HEADER = "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）";

function chineseStamp(at: Date): string {
  const t = dateToChinaTime(at);
  return `${t.slice(0, 4)}年${t.slice(5, 7)}月${t.slice(8, 10)}日 ${t.slice(11)}`;
}

/**
 * Alipay's trade bill for these records, written from its documented format: a zip holding the
 * details file and the summary file, GBK, with their `#` comment frames, CRLF line ends and
 * Alipay's trailing tabs after ids. Exported for the parser's tests.
 */
export function renderAlipayTradeBill(records: FakeBillRecord[], day: string, opts: { pid?: string; subject?: string } = {}): Uint8Array {
  const pid = opts.pid ?? "2088102177846880";
  const { from, to } = chinaDayBounds(day);
  const frame = (title: string, list: string) => [
    `#支付宝${title}查询`,
    `#账号：[${pid}0156]`,
    `#起始日期：[${chineseStamp(from)}]   终止日期：[${chineseStamp(to)}]`,
    `${RULE}${list}列表----------------------------------------`,
  ];
  const trades = records.filter((r) => r.kind === "payment");
  const refunds = records.filter((r) => r.kind === "refund");
  const detail = [...frame("业务明细", "业务明细"), DETAIL_HEADER];
  let net = 0;
  for (const r of records) {
    const signed = r.kind === "refund" ? -r.amountFen : r.amountFen;
    net += signed;
    const fee = fenText(Math.trunc((signed * 6) / 1000));
    detail.push(
      [
        `${r.tradeRef}\t`, `${r.orderNo}\t`, r.kind === "refund" ? "退款" : "交易", opts.subject ?? "Freeline order",
        dateToChinaTime(r.at), dateToChinaTime(r.at), "", "", "", "", "138****0000", fenText(signed), fenText(signed),
        "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", r.kind === "refund" ? `${r.outId}\t` : "", fee, "0.00", "",
      ].join(","),
    );
  }
  detail.push(`${RULE}业务明细列表结束------------------------------------`);
  detail.push(`#交易合计：${trades.length}笔，退款合计：${refunds.length}笔`);
  detail.push(`#导出时间：[${chineseStamp(new Date())}]`);

  const total = (label: string) =>
    [label, "", trades.length, refunds.length, fenText(net), fenText(net), "0.00", "0.00", "0.00", fenText(Math.trunc((net * 6) / 1000)), "0.00", fenText(net)].join(",");
  const summary = [...frame("业务汇总", "业务汇总"), SUMMARY_HEADER, total(""), total("合计")];
  summary.push(`${RULE}业务汇总列表结束------------------------------------`);
  summary.push(`#导出时间：[${chineseStamp(new Date())}]`);

  const stamp = day.replaceAll("-", "");
  return zipSync({
    [`${pid}0156_${stamp}_业务明细.csv`]: gbkEncode(`${detail.join("\r\n")}\r\n`),
    [`${pid}0156_${stamp}_业务明细(汇总).csv`]: gbkEncode(`${summary.join("\r\n")}\r\n`),
  });
}

const ACCOUNT_HEADER = "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注";

/**
 * Alipay's account bill (账务明细, bill_type=signcustomer) for these records, written from its
 * documented format: a zip holding the GBK details file in its `#` comment frame, one row per
 * movement (a payment 在线支付 income, a refund 交易退款 and a transfer 转账 expense, written
 * negative, the transfer's 商户订单号 our out_biz_no), then the 支出合计 and 收入合计 lines.
 * Exported for the parser's tests.
 */
export function renderAlipayAccountBill(records: FakeBillRecord[], day: string, opts: { pid?: string } = {}): Uint8Array {
  const pid = opts.pid ?? "2088102177846880";
  const { from, to } = chinaDayBounds(day);
  const lines = [
    "#支付宝账务明细查询",
    `#账号：[${pid}0156]`,
    `#起始日期：[${chineseStamp(from)}]   终止日期：[${chineseStamp(to)}]`,
    `${RULE}账务明细列表----------------------------------------`,
    ACCOUNT_HEADER,
  ];
  const statement = statementLines(records, 1_000_000_00);
  const { sum } = statement;
  statement.lines.forEach(({ record: r, index: i, income, balanceFen: balance }) => {
    const type = r.kind === "payment" ? "在线支付" : r.kind === "refund" ? "交易退款" : "转账";
    lines.push(
      [
        `${20261200000 + i}\t`, `${r.tradeRef}\t`, `${r.kind === "transfer" ? r.outId : r.orderNo}\t`, r.kind === "transfer" ? "Freeline withdrawal" : "Freeline order",
        dateToChinaTime(r.at), "138****0000", income ? fenText(r.amountFen) : "", income ? "" : fenText(-r.amountFen), fenText(balance), "支付宝", type, "",
      ].join(","),
    );
  });
  lines.push(`${RULE}账务明细列表结束------------------------------------`);
  lines.push(`#支出合计：${sum.outCount}笔，共${fenText(-sum.outFen)}元`);
  lines.push(`#收入合计：${sum.inCount}笔，共${fenText(sum.inFen)}元`);
  lines.push(`#导出时间：[${chineseStamp(new Date())}]`);
  return zipSync({ [`${pid}0156_${day.replaceAll("-", "")}_账务明细.csv`]: gbkEncode(`${lines.join("\r\n")}\r\n`) });
}
