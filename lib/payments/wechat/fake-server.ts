import { execFileSync } from "node:child_process";
import { createCipheriv, createHash, createSign, createVerify, generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { dateToChinaTime } from "../bill-text";
import { BillTweaks, fenText, statementLines, type FakeBillRecord } from "../fake-bill";

/**
 * A stand-in for WeChat Pay's API v3 in tests, written from WeChat Pay's documentation and
 * independent of the SDK (plain node:crypto): it checks every request's Authorization signature
 * against the merchant key, signs every answer with its platform certificate (Wechatpay-Timestamp,
 * -Nonce, -Serial, -Signature), and writes notifications the way WeChat Pay does (signed, with the
 * transaction AES-256-GCM encrypted under the APIv3 key). It keeps trades, refunds and transfers in
 * memory and can fail on purpose (5xx, no answer). It proves our side speaks the protocol; it does
 * not prove that real credentials work against the real service.
 */

export type FakeTrade = {
  orderNo: string;
  amountFen: number;
  kind: "jsapi" | "h5" | "native";
  state: "NOTPAY" | "SUCCESS" | "CLOSED" | "REFUND";
  transactionId: string;
  notifyUrl: string;
  /** When the customer paid (the bill lists a payment on that day). */
  paidAt?: Date;
};

export type WechatFakeKeys = {
  mchid: string;
  appid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  apiV3Key: string;
  platformSerial: string;
  platformCert: string;
};

type Fault = "5xx" | "timeout";

/** Keys for one test run: the merchant's RSA 2048 pair and a self-signed platform certificate. */
export function generateWechatKeys(): WechatFakeKeys & { platformPrivateKey: string; merchantPublicKey: string } {
  const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const platform = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const platformPrivateKey = platform.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  // node:crypto reads certificates but cannot issue one; openssl does, from our key.
  const dir = mkdtempSync(path.join(os.tmpdir(), "wxfake-"));
  try {
    const keyFile = path.join(dir, "platform.key");
    writeFileSync(keyFile, platformPrivateKey, { mode: 0o600 });
    const serialHex = randomBytes(16).toString("hex").toUpperCase().replace(/^0/, "1");
    const platformCert = execFileSync(
      "openssl",
      ["req", "-x509", "-new", "-key", keyFile, "-subj", "/CN=Tenpay.com Root CA fake", "-days", "2", "-set_serial", `0x${serialHex}`],
      { encoding: "utf8" },
    );
    return {
      mchid: "1900000109",
      appid: "wxd678efh567hg6787",
      merchantSerial: randomBytes(20).toString("hex").toUpperCase(),
      merchantPrivateKey: merchant.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      merchantPublicKey: merchant.publicKey.export({ type: "spki", format: "pem" }).toString(),
      apiV3Key: randomBytes(16).toString("hex"),
      platformSerial: new X509Certificate(platformCert).serialNumber.toUpperCase(),
      platformCert,
      platformPrivateKey,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const AUTH = /^WECHATPAY2-SHA256-RSA2048 (.+)$/;

function parseAuthorization(header: string | undefined): Record<string, string> | null {
  const m = header ? AUTH.exec(header) : null;
  if (!m) return null;
  const out: Record<string, string> = {};
  for (const part of m[1]!.matchAll(/(\w+)="([^"]*)"/g)) out[part[1]!] = part[2]!;
  return out;
}

export class WechatFake {
  readonly keys: ReturnType<typeof generateWechatKeys>;
  readonly trades = new Map<string, FakeTrade>();
  readonly refunds = new Map<string, { outRefundNo: string; orderNo: string; refundFen: number; refundId: string; status: string; at: Date }>();
  readonly transfers = new Map<string, { outBillNo: string; amountFen: number; openid: string; billNo: string; state: string; at: Date }>();
  /** Every request the fake accepted, in order (method and path), for assertions. */
  readonly calls: string[] = [];
  /** Every notification deliver() posted, with the status the app answered (WeChat Pay wants 2xx). */
  readonly delivered: { orderNo: string; status: number }[] = [];
  /** Requests refused for a bad signature. */
  rejected = 0;
  /** The state the next refund gets: SUCCESS, PROCESSING or ABNORMAL. */
  refundOutcome: "SUCCESS" | "PROCESSING" | "ABNORMAL" = "SUCCESS";
  /** The next transfer: SUCCESS, or FAIL with this reason. */
  transferOutcome: { state: "SUCCESS" } | { state: "FAIL"; reason: string } = { state: "SUCCESS" };
  /** Discrepancies a test injects into the bills (an extra row, another amount, a row left out). */
  readonly bill = new BillTweaks();
  /** Answer the next bill applications with STATEMENT_CREATING (the bill is made after 10:00). */
  billNotReady = false;
  /** Serve the next bill file with bytes that do not match the SHA1 the application gave. */
  corruptNextBill = false;
  private billFiles = new Map<string, Buffer>();
  private faults: Fault[] = [];
  private server: http.Server;
  private sockets = new Set<Socket>();
  private seq = 0;
  url = "";

  constructor(keys = generateWechatKeys()) {
    this.keys = keys;
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` requests fail this way (500 SYSTEM_ERROR, or no answer at all). */
  failNext(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /** Forgets faults not used yet. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The customer pays at WeChat: the trade becomes SUCCESS. */
  pay(orderNo: string): FakeTrade {
    const t = this.trades.get(orderNo);
    if (!t) throw new Error(`fake WeChat Pay: no trade ${orderNo}`);
    if (t.state === "NOTPAY") {
      t.state = "SUCCESS";
      t.paidAt = new Date();
    }
    return t;
  }

  /** What WeChat Pay's bills list: every paid trade, and every refund it accepted. */
  billRecords(): FakeBillRecord[] {
    const out: FakeBillRecord[] = [];
    for (const t of this.trades.values()) {
      if (t.paidAt) out.push({ kind: "payment", outId: t.orderNo, orderNo: t.orderNo, tradeRef: t.transactionId, amountFen: t.amountFen, at: t.paidAt });
    }
    for (const r of this.refunds.values()) {
      if (r.status === "ABNORMAL") continue;
      const t = this.trades.get(r.orderNo);
      out.push({ kind: "refund", outId: r.outRefundNo, orderNo: r.orderNo, tradeRef: t?.transactionId ?? "", refundRef: r.refundId, amountFen: r.refundFen, at: r.at });
    }
    return out;
  }

  /** What the basic account's fund-flow bill lists: the trade bill's money, and every transfer made. */
  fundRecords(): FakeBillRecord[] {
    const out = this.billRecords();
    for (const t of this.transfers.values()) {
      if (t.state === "SUCCESS") out.push({ kind: "transfer", outId: t.outBillNo, orderNo: t.outBillNo, tradeRef: t.billNo, amountFen: t.amountFen, at: t.at });
    }
    return out;
  }

  /**
   * A TRANSACTION.SUCCESS notification for a trade, as WeChat Pay posts it to notify_url. Options
   * bend it for the failure cases: another amount, a forged signature, an unknown serial, a trade
   * the fake never created.
   */
  notification(
    orderNo: string,
    opts: { amountFen?: number; forge?: boolean; serial?: string; eventType?: string; mchid?: string; timestamp?: number } = {},
  ): { body: string; headers: Headers } {
    const t = this.trades.get(orderNo);
    const transaction = {
      mchid: opts.mchid ?? this.keys.mchid,
      appid: this.keys.appid,
      out_trade_no: orderNo,
      transaction_id: t?.transactionId ?? `42000${Date.now()}${this.seq++}`,
      trade_type: (t?.kind ?? "native").toUpperCase(),
      trade_state: "SUCCESS",
      trade_state_desc: "paid",
      bank_type: "OTHERS",
      success_time: new Date().toISOString(),
      payer: { openid: "o-fake-payer" },
      amount: { total: opts.amountFen ?? t?.amountFen ?? 1, payer_total: opts.amountFen ?? t?.amountFen ?? 1, currency: "CNY", payer_currency: "CNY" },
    };
    const nonce = randomBytes(6).toString("hex"); // AES-GCM nonce: 12 characters
    const aad = "transaction";
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(this.keys.apiV3Key), Buffer.from(nonce)).setAAD(Buffer.from(aad));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(transaction), "utf8"), cipher.final(), cipher.getAuthTag()]).toString("base64");
    const body = JSON.stringify({
      id: `EV-${randomBytes(8).toString("hex")}`,
      create_time: new Date().toISOString(),
      resource_type: "encrypt-resource",
      event_type: opts.eventType ?? "TRANSACTION.SUCCESS",
      summary: "paid",
      resource: { original_type: "transaction", algorithm: "AEAD_AES_256_GCM", ciphertext, associated_data: aad, nonce },
    });
    const headers = new Headers(this.signedHeaders(body, opts.timestamp));
    if (opts.serial) headers.set("Wechatpay-Serial", opts.serial);
    if (opts.forge) {
      // Signed by a key that is not the platform's.
      const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
      const ts = headers.get("Wechatpay-Timestamp")!;
      const n = headers.get("Wechatpay-Nonce")!;
      headers.set("Wechatpay-Signature", createSign("RSA-SHA256").update(`${ts}\n${n}\n${body}\n`).sign(other, "base64"));
    }
    headers.set("content-type", "application/json");
    return { body, headers };
  }

  /** Posts a notification to the trade's notify_url, as WeChat Pay would; resolves to the status. */
  async deliver(orderNo: string): Promise<number> {
    const t = this.trades.get(orderNo);
    if (!t) throw new Error(`fake WeChat Pay: no trade ${orderNo}`);
    const { body, headers } = this.notification(orderNo);
    const res = await fetch(t.notifyUrl, { method: "POST", headers, body });
    this.delivered.push({ orderNo, status: res.status });
    return res.status;
  }

  private signedHeaders(body: string, timestamp?: number): Record<string, string> {
    const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString("hex");
    const signature = createSign("RSA-SHA256").update(`${ts}\n${nonce}\n${body}\n`).sign(this.keys.platformPrivateKey, "base64");
    return {
      "Wechatpay-Timestamp": ts,
      "Wechatpay-Nonce": nonce,
      "Wechatpay-Serial": this.keys.platformSerial,
      "Wechatpay-Signature": signature,
      "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
      "Request-ID": randomBytes(8).toString("hex"),
    };
  }

  private answer(res: http.ServerResponse, status: number, data?: unknown): void {
    const body = data === undefined ? "" : JSON.stringify(data);
    res.writeHead(status, { ...(body ? { "content-type": "application/json" } : {}), ...this.signedHeaders(body) });
    res.end(body);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    const method = (req.method ?? "GET").toUpperCase();

    if (url.pathname === "/h5pay") return this.cashierPage(url, method, res);

    const fault = this.faults.shift();
    if (fault === "timeout") return; // holds the connection until the client gives up
    if (fault === "5xx") return this.answer(res, 500, { code: "SYSTEM_ERROR", message: "system error" });

    const auth = parseAuthorization(req.headers.authorization);
    const signed = auth
      ? createVerify("RSA-SHA256")
          .update(`${method}\n${url.pathname}${url.search}\n${auth.timestamp}\n${auth.nonce_str}\n${body}\n`)
          .verify(this.keys.merchantPublicKey, auth.signature ?? "", "base64")
      : false;
    if (!auth || !signed || auth.mchid !== this.keys.mchid || auth.serial_no !== this.keys.merchantSerial) {
      this.rejected++;
      return this.answer(res, 401, { code: "SIGN_ERROR", message: "signature check failed" });
    }
    this.calls.push(`${method} ${url.pathname}`);
    const data = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (method === "GET" && url.pathname === "/v3/billdownload/file") return this.billFile(url, res);
    return this.route(method, url, data, res);
  }

  /** GET /v3/bill/tradebill: where to download the day's bill, and its SHA1. */
  private tradeBill(url: URL, res: http.ServerResponse): void {
    const day = url.searchParams.get("bill_date") ?? "";
    const type = url.searchParams.get("bill_type") ?? "ALL";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !["ALL", "SUCCESS", "REFUND"].includes(type)) {
      return this.answer(res, 400, { code: "PARAM_ERROR", message: "bill_date or bill_type" });
    }
    if (this.billNotReady) return this.answer(res, 400, { code: "STATEMENT_CREATING", message: "the bill is being made" });
    const records = this.bill
      .apply(this.billRecords(), day)
      .filter((r) => r.kind !== "transfer" && (type === "ALL" || (type === "SUCCESS" ? r.kind === "payment" : r.kind === "refund")));
    if (records.length === 0) return this.answer(res, 400, { code: "NO_STATEMENT_EXIST", message: "no bill for that day" });
    return this.offerFile(res, Buffer.from(renderWechatTradeBill(records, this.keys), "utf8"));
  }

  /** GET /v3/bill/fundflowbill: the same for the day's fund-flow bill of the basic account. */
  private fundFlowBill(url: URL, res: http.ServerResponse): void {
    const day = url.searchParams.get("bill_date") ?? "";
    const account = url.searchParams.get("account_type") ?? "BASIC";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !["BASIC", "OPERATION", "FEES"].includes(account)) {
      return this.answer(res, 400, { code: "PARAM_ERROR", message: "bill_date or account_type" });
    }
    if (this.billNotReady) return this.answer(res, 400, { code: "STATEMENT_CREATING", message: "the bill is being made" });
    // This merchant's money moves only in its basic account.
    const records = account === "BASIC" ? this.bill.apply(this.fundRecords(), day) : [];
    if (records.length === 0) return this.answer(res, 400, { code: "NO_STATEMENT_EXIST", message: "no bill for that day" });
    return this.offerFile(res, Buffer.from(renderWechatFundFlowBill(records), "utf8"));
  }

  /** Keeps a bill file behind a download token and answers where it is, with its SHA1. */
  private offerFile(res: http.ServerResponse, file: Buffer): void {
    const token = randomBytes(12).toString("hex");
    this.billFiles.set(token, file);
    return this.answer(res, 200, {
      hash_type: "SHA1",
      hash_value: createHash("sha1").update(file).digest("hex"),
      download_url: `${this.url}v3/billdownload/file?token=${token}`,
    });
  }

  /** GET /v3/billdownload/file: the file itself, unsigned (as WeChat Pay serves it). */
  private billFile(url: URL, res: http.ServerResponse): void {
    const file = this.billFiles.get(url.searchParams.get("token") ?? "");
    if (!file) return this.answer(res, 400, { code: "PARAM_ERROR", message: "unknown or expired token" });
    const body = this.corruptNextBill ? Buffer.concat([file, Buffer.from("`x\n")]) : file;
    this.corruptNextBill = false;
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(body);
  }

  private route(method: string, url: URL, data: Record<string, unknown>, res: http.ServerResponse): void {
    const p = url.pathname;
    if (p === "/v3/bill/tradebill" && method === "GET") return this.tradeBill(url, res);
    if (p === "/v3/bill/fundflowbill" && method === "GET") return this.fundFlowBill(url, res);
    const create = /^\/v3\/pay\/transactions\/(jsapi|h5|native)$/.exec(p);
    if (method === "POST" && create) {
      const kind = create[1] as FakeTrade["kind"];
      const amount = (data.amount as { total?: number } | undefined)?.total;
      if (data.mchid !== this.keys.mchid || data.appid !== this.keys.appid || typeof data.out_trade_no !== "string" || !amount) {
        return this.answer(res, 400, { code: "PARAM_ERROR", message: "bad parameters" });
      }
      if (kind === "h5" && !(data.scene_info as { payer_client_ip?: string } | undefined)?.payer_client_ip) {
        return this.answer(res, 400, { code: "PARAM_ERROR", message: "scene_info.payer_client_ip is required" });
      }
      if (kind === "jsapi" && !(data.payer as { openid?: string } | undefined)?.openid) {
        return this.answer(res, 400, { code: "PARAM_ERROR", message: "payer.openid is required" });
      }
      const existing = this.trades.get(data.out_trade_no);
      if (existing?.state === "SUCCESS") return this.answer(res, 400, { code: "ORDERPAID", message: "order paid already" });
      if (existing?.state === "CLOSED") return this.answer(res, 400, { code: "ORDER_CLOSED", message: "order closed" });
      if (existing && existing.amountFen !== amount) return this.answer(res, 400, { code: "INVALID_REQUEST", message: "201 out_trade_no used with other contents" });
      const trade: FakeTrade = existing ?? {
        orderNo: data.out_trade_no,
        amountFen: amount,
        kind,
        state: "NOTPAY",
        transactionId: `42000${Date.now()}${this.seq++}`,
        notifyUrl: String(data.notify_url),
      };
      this.trades.set(trade.orderNo, trade);
      const prepay = `wx${Date.now()}${this.seq++}`;
      if (kind === "jsapi") return this.answer(res, 200, { prepay_id: prepay });
      if (kind === "native") return this.answer(res, 200, { code_url: `weixin://wxpay/bizpayurl?pr=${prepay}` });
      return this.answer(res, 200, { h5_url: `${this.url}h5pay?prepay_id=${prepay}&order=${trade.orderNo}` });
    }
    const query = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(p);
    if (query) {
      const t = this.trades.get(decodeURIComponent(query[1]!));
      if (query[2] && method === "POST") {
        if (!t) return this.answer(res, 404, { code: "ORDER_NOT_EXIST", message: "order does not exist" });
        if (t.state === "SUCCESS" || t.state === "REFUND") return this.answer(res, 400, { code: "ORDERPAID", message: "order paid already" });
        t.state = "CLOSED";
        return this.answer(res, 204);
      }
      if (method === "GET") {
        if (url.searchParams.get("mchid") !== this.keys.mchid) return this.answer(res, 400, { code: "PARAM_ERROR", message: "mchid" });
        if (!t) return this.answer(res, 404, { code: "ORDER_NOT_EXIST", message: "order does not exist" });
        return this.answer(res, 200, {
          appid: this.keys.appid,
          mchid: this.keys.mchid,
          out_trade_no: t.orderNo,
          trade_state: t.state,
          trade_state_desc: t.state,
          ...(t.state === "NOTPAY" || t.state === "CLOSED" ? {} : { transaction_id: t.transactionId }),
          amount: { total: t.amountFen, currency: "CNY" },
        });
      }
    }
    if (p === "/v3/refund/domestic/refunds" && method === "POST") {
      const outRefundNo = String(data.out_refund_no ?? "");
      const prior = this.refunds.get(outRefundNo);
      if (prior) return this.answer(res, 200, { refund_id: prior.refundId, out_refund_no: outRefundNo, status: prior.status });
      const t = this.trades.get(String(data.out_trade_no ?? ""));
      const amount = data.amount as { refund?: number; total?: number } | undefined;
      if (!t || (t.state !== "SUCCESS" && t.state !== "REFUND")) return this.answer(res, 404, { code: "RESOURCE_NOT_EXISTS", message: "order does not exist" });
      if (!amount?.refund || amount.total !== t.amountFen || amount.refund > t.amountFen) {
        return this.answer(res, 400, { code: "PARAM_ERROR", message: "bad refund amount" });
      }
      const r = { outRefundNo, orderNo: t.orderNo, refundFen: amount.refund, refundId: `50300${Date.now()}${this.seq++}`, status: this.refundOutcome, at: new Date() };
      this.refunds.set(outRefundNo, r);
      if (r.status !== "ABNORMAL") t.state = "REFUND";
      return this.answer(res, 200, { refund_id: r.refundId, out_refund_no: outRefundNo, status: r.status, amount: { refund: r.refundFen, total: t.amountFen } });
    }
    const refundQuery = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(p);
    if (refundQuery && method === "GET") {
      const r = this.refunds.get(decodeURIComponent(refundQuery[1]!));
      if (!r) return this.answer(res, 404, { code: "RESOURCE_NOT_EXISTS", message: "refund does not exist" });
      return this.answer(res, 200, { refund_id: r.refundId, out_refund_no: r.outRefundNo, status: r.status });
    }
    if (p === "/v3/fund-app/mch-transfer/transfer-bills" && method === "POST") {
      const outBillNo = String(data.out_bill_no ?? "");
      const prior = this.transfers.get(outBillNo);
      if (prior) return this.answer(res, 200, { out_bill_no: outBillNo, transfer_bill_no: prior.billNo, state: prior.state });
      if (data.appid !== this.keys.appid || !data.openid || !data.transfer_scene_id || typeof data.transfer_amount !== "number") {
        return this.answer(res, 400, { code: "PARAM_ERROR", message: "bad parameters" });
      }
      const outcome = this.transferOutcome;
      const t = { outBillNo, amountFen: data.transfer_amount, openid: String(data.openid), billNo: `1330${Date.now()}${this.seq++}`, state: outcome.state, at: new Date() };
      this.transfers.set(outBillNo, t);
      return this.answer(res, 200, {
        out_bill_no: outBillNo,
        transfer_bill_no: t.billNo,
        state: t.state,
        ...(outcome.state === "FAIL" ? { fail_reason: outcome.reason } : {}),
      });
    }
    const transferQuery = /^\/v3\/fund-app\/mch-transfer\/transfer-bills\/out-bill-no\/([^/]+)$/.exec(p);
    if (transferQuery && method === "GET") {
      const t = this.transfers.get(decodeURIComponent(transferQuery[1]!));
      if (!t) return this.answer(res, 404, { code: "NOT_FOUND", message: "no such record" });
      return this.answer(res, 200, { out_bill_no: t.outBillNo, transfer_bill_no: t.billNo, state: t.state });
    }
    return this.answer(res, 404, { code: "NOT_FOUND", message: `no route ${method} ${p}` });
  }

  /**
   * The page WeChat's H5 cashier shows, played by the fake for browser journeys: "pay" marks the
   * trade paid, posts the notification, and sends the customer back to redirect_url.
   */
  private async cashierPage(url: URL, method: string, res: http.ServerResponse): Promise<void> {
    const orderNo = url.searchParams.get("order") ?? "";
    const back = url.searchParams.get("redirect_url") ?? "/";
    const t = this.trades.get(orderNo);
    if (!t) {
      res.writeHead(404, { "content-type": "text/plain" }).end("no such trade");
      return;
    }
    if (method === "POST") {
      this.pay(orderNo);
      await this.deliver(orderNo).catch(() => 0);
      res.writeHead(303, { location: back }).end();
      return;
    }
    const yuan = (t.amountFen / 100).toFixed(2);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
      `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width"><title>WeChat Pay (test fake)</title></head>` +
        `<body><main><h1>WeChat Pay (test fake)</h1><p>CNY ${yuan}</p><form method="post"><button type="submit">Pay</button></form></main></body></html>`,
    );
  }
}

const WECHAT_BILL_HEADER =
  "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额," +
  "微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
const WECHAT_SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";

/** The fee at 0.6%, five decimals, as the bill writes it (a refund returns its share: negative). */
function feeText(fen: number): string {
  return (Math.round(fen * 6) / 100_000).toFixed(5);
}

/**
 * WeChat Pay's ALL trade bill for these records, written from its documented format: the header,
 * one backticked row per payment (SUCCESS) or refund (REFUND), the summary header and row. Exported
 * for the parser's tests.
 */
export function renderWechatTradeBill(records: FakeBillRecord[], keys: { appid: string; mchid: string }): string {
  const lines = [WECHAT_BILL_HEADER];
  let pay = 0;
  let refund = 0;
  let fee = 0;
  for (const r of records) {
    const isRefund = r.kind === "refund";
    const cells = [
      dateToChinaTime(r.at), keys.appid, keys.mchid, "0", "", r.tradeRef, r.orderNo, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "JSAPI",
      isRefund ? "REFUND" : "SUCCESS", "OTHERS", "CNY",
      isRefund ? "0.00" : fenText(r.amountFen), "0.00",
      isRefund ? (r.refundRef ?? "") : "0", isRefund ? r.outId : "0", isRefund ? fenText(r.amountFen) : "0.00", "0.00",
      isRefund ? "ORIGINAL" : "", isRefund ? "SUCCESS" : "", "Freeline, order", "",
      isRefund ? `-${feeText(r.amountFen)}` : feeText(r.amountFen), "0.60%",
      isRefund ? "0.00" : fenText(r.amountFen), isRefund ? fenText(r.amountFen) : "0.00", "",
    ];
    lines.push(cells.map((c) => `\`${c}`).join(","));
    if (isRefund) refund += r.amountFen;
    else pay += r.amountFen;
    fee += isRefund ? -r.amountFen : r.amountFen;
  }
  lines.push(WECHAT_SUMMARY_HEADER);
  lines.push([String(records.length), fenText(pay), fenText(refund), "0.00", feeText(fee), fenText(pay), fenText(refund)].map((c) => `\`${c}`).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

const WECHAT_FUND_HEADER = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号";
const WECHAT_FUND_SUMMARY_HEADER = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额";

/**
 * WeChat Pay's fund-flow bill of the basic account for these records, written from its documented
 * format: the header, one backticked row per movement (a payment 交易 收入, a refund 退款 支出, a
 * 商家转账 支出 naming our out_bill_no as its 业务凭证号), the summary header and row (counts
 * written "N.0", as WeChat does). Exported for the parser's tests.
 */
export function renderWechatFundFlowBill(records: FakeBillRecord[], opening = 1_000_000_00): string {
  const lines = [WECHAT_FUND_HEADER];
  const statement = statementLines(records, opening);
  const { sum } = statement;
  statement.lines.forEach(({ record: r, index: i, income, balanceFen: balance }) => {
    const [name, type, ref, voucher] =
      r.kind === "payment" ? ["交易", "交易", r.tradeRef, r.orderNo] : r.kind === "refund" ? ["退款", "退款", r.refundRef ?? "", r.outId] : ["商家转账", "企业付款", r.tradeRef, r.outId];
    const cells = [
      dateToChinaTime(r.at), ref, `19000${String(i).padStart(8, "0")}`, name, type, income ? "收入" : "支出",
      fenText(r.amountFen), fenText(balance), "system", "", voucher,
    ];
    lines.push(cells.map((c) => `\`${c}`).join(","));
  });
  lines.push(WECHAT_FUND_SUMMARY_HEADER);
  lines.push([`${records.length}.0`, `${sum.inCount}.0`, fenText(sum.inFen), `${sum.outCount}.0`, fenText(sum.outFen)].map((c) => `\`${c}`).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
