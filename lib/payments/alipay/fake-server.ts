import { createSign, createVerify, generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

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
  readonly transfers = new Map<string, { outBizNo: string; orderId: string; status: string; failReason?: string }>();
  readonly calls: string[] = [];
  /** Every notification deliver() posted, with the app's answer (Alipay wants the body `success`). */
  readonly delivered: { orderNo: string; status: number; answer: string }[] = [];
  rejected = 0;
  transferOutcome: { status: "SUCCESS" } | { status: "FAIL"; reason: string } = { status: "SUCCESS" };
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
    if (t.status === "WAIT_BUYER_PAY") t.status = "TRADE_SUCCESS";
    return t;
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
        const o = this.transferOutcome;
        const record = prior ?? { outBizNo, orderId: `2026${Date.now()}${this.seq++}`, status: o.status, ...(o.status === "FAIL" ? { failReason: o.reason } : {}) };
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
      default:
        return this.answer(res, method, { code: "40004", msg: "Business Failed", sub_code: "isv.invalid-method", sub_msg: `unknown ${method}` });
    }
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
