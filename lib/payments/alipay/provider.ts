import "server-only";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import type { AlipaySdk } from "alipay-sdk";
import { DomainError } from "@/lib/errors";
import { parseYuan } from "@/lib/money/parse";
import { BillFormatError } from "../bill-text";
import { pemBlocks } from "../pem";
import {
  ORDER_NO,
  ProviderRecordNotFoundError,
  ProviderUnavailableError,
  type CreatePaymentRequest,
  type DayBill,
  type MoneyOutResult,
  type PaymentAction,
  type PaymentEvent,
  type PaymentProvider,
  type PaymentStatus,
  type TransferStatement,
} from "../provider";
import { parseAlipayAccountBill } from "./account-bill";
import { parseAlipayTradeBill } from "./bill";

/** A bill zip is small (one line per trade); this bounds a download that never ends. */
const BILL_DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * Alipay through `alipay-sdk` (Alipay's own): it signs every request (RSA2), verifies every
 * answer's sign against Alipay's public key (validateSign), builds the signed wap/page pay URL, and
 * checks a notification's sign (checkNotifySignV2). We only map amounts and states.
 */
export type AlipayConfig = {
  appId: string;
  /** The app's private key: PEM (PKCS#1 or PKCS#8) or bare base64 as Alipay's key tool gives it. */
  privateKey: string;
  /** 公钥模式: Alipay's public key. */
  alipayPublicKey?: string;
  /** 证书模式: the app's public key certificate, Alipay's public key certificate, Alipay's root certificate. */
  certs?: { app: string; alipayPublic: string; alipayRoot: string };
  gateway: string;
  notifyUrl: string;
  timeoutMs: number;
};

/** fen → "12.34", as Alipay's total_amount wants it. */
export function fenToYuan(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

function yuanToFen(yuan: unknown): number | null {
  const parsed = parseYuan(String(yuan ?? ""));
  return parsed.ok ? parsed.fen : null;
}

/** "yyyy-MM-dd HH:mm:ss" in China time, as Alipay's time_expire wants it. */
function chinaTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

function keyType(key: string): "PKCS1" | "PKCS8" {
  if (key.includes("BEGIN PRIVATE KEY")) return "PKCS8";
  if (key.includes("BEGIN RSA PRIVATE KEY")) return "PKCS1";
  try {
    createPrivateKey({ key: Buffer.from(key.replace(/\s+/g, ""), "base64"), format: "der", type: "pkcs8" });
    return "PKCS8";
  } catch {
    return "PKCS1";
  }
}

type Answer = { code?: string; msg?: string; subCode?: string; subMsg?: string } & Record<string, unknown>;

/** Success codes: 10000. 20000 is "service unavailable", to retry; 40004 and others are refusals. */
function unavailableCode(a: Answer): boolean {
  return a.code === "20000" || a.code === "20001" || a.subCode === "ACQ.SYSTEM_ERROR" || a.subCode === "SYSTEM_ERROR";
}

/** A bare base64 key (Alipay's key tool) as PEM; a PEM as it is. */
function asPem(key: string, label: string): string {
  if (key.includes("-----BEGIN")) return key;
  return `-----BEGIN ${label}-----\n${key.replace(/\s+/g, "")}\n-----END ${label}-----`;
}

/**
 * Parses every key and certificate with node's own parsers, which throw on a malformed one: the
 * SDK is created only on first use (below), so without this a bad key would surface at the first
 * payment instead of stopping the start.
 */
function checkKeys(cfg: AlipayConfig): void {
  createPrivateKey(asPem(cfg.privateKey, keyType(cfg.privateKey) === "PKCS8" ? "PRIVATE KEY" : "RSA PRIVATE KEY"));
  if (cfg.certs) {
    // Every block: Alipay's root certificate file holds several.
    for (const file of [cfg.certs.app, cfg.certs.alipayPublic, cfg.certs.alipayRoot]) {
      const blocks = pemBlocks(file, "CERTIFICATE");
      if (blocks.length === 0) throw new Error("an Alipay certificate file holds no certificate");
      for (const pem of blocks) new X509Certificate(pem);
    }
  } else if (cfg.alipayPublicKey) createPublicKey(asPem(cfg.alipayPublicKey, "PUBLIC KEY"));
}

type Sdk = typeof import("alipay-sdk");
let sdkLoading: Promise<Sdk> | undefined;

/**
 * The SDK, required on the first call that needs it and not when this module loads: a server
 * without Alipay configured (a demo, the bench) never holds it (required alone in plain Node, it
 * adds 32 MB of RSS; docs/performance.md, "Eighth round"). checkKeys stops a bad key at the start.
 */
function loadSdk(): Promise<Sdk> {
  return (sdkLoading ??= import("alipay-sdk"));
}

export function createAlipayProvider(cfg: AlipayConfig): PaymentProvider {
  checkKeys(cfg);
  let client: Promise<AlipaySdk> | undefined;
  const alipay = () =>
    (client ??= loadSdk().then(
      ({ AlipaySdk }) =>
        new AlipaySdk({
          appId: cfg.appId,
          privateKey: cfg.privateKey,
          keyType: keyType(cfg.privateKey),
          ...(cfg.certs
            ? { appCertContent: cfg.certs.app, alipayPublicCertContent: cfg.certs.alipayPublic, alipayRootCertContent: cfg.certs.alipayRoot }
            : { alipayPublicKey: cfg.alipayPublicKey }),
          gateway: cfg.gateway,
          timeout: cfg.timeoutMs,
        }),
    ));

  /** Calls an API with its answer's sign verified; any failure to get a verified answer throws ProviderUnavailableError. */
  async function exec(method: string, bizContent: Record<string, unknown>): Promise<Answer> {
    const sdk = await alipay();
    let answer: Answer;
    try {
      answer = (await sdk.exec(method, { bizContent }, { validateSign: true })) as Answer;
    } catch (e) {
      // The SDK's error names the HTTP status, the timeout or the failed sign; never our keys.
      const reason = e instanceof Error ? e.message.split(",")[0]!.slice(0, 120) : "no answer";
      throw new ProviderUnavailableError("alipay", `${method}: ${reason}`);
    }
    if (unavailableCode(answer)) throw new ProviderUnavailableError("alipay", `${method}: ${answer.code} ${answer.subCode ?? ""}`);
    return answer;
  }

  const refusal = (a: Answer) => `${a.subCode ?? a.code}: ${a.subMsg ?? a.msg ?? ""}`.slice(0, 200);

  async function queryPayment(orderNo: string): Promise<PaymentStatus> {
    const a = await exec("alipay.trade.query", { out_trade_no: orderNo });
    if (a.code !== "10000") {
      if (a.subCode === "ACQ.TRADE_NOT_EXIST") return { state: "not_found" };
      throw new ProviderUnavailableError("alipay", `query: ${refusal(a)}`);
    }
    if (a.outTradeNo !== orderNo) throw new ProviderUnavailableError("alipay", "query answered for another order");
    const status = String(a.tradeStatus ?? "");
    if (status === "TRADE_SUCCESS" || status === "TRADE_FINISHED") {
      const fen = yuanToFen(a.totalAmount);
      if (!fen || typeof a.tradeNo !== "string") throw new ProviderUnavailableError("alipay", "query: paid trade without amount or trade_no");
      return { state: "paid", event: { type: "payment.succeeded", eventId: `query:${a.tradeNo}`, orderNo, amountFen: fen, providerRef: a.tradeNo } };
    }
    if (status === "TRADE_CLOSED") return { state: "closed" };
    return { state: "pending" };
  }

  async function createPayment(req: CreatePaymentRequest): Promise<PaymentAction> {
    const phone = req.device !== "desktop";
    const url = (await alipay()).pageExecute(phone ? "alipay.trade.wap.pay" : "alipay.trade.page.pay", "GET", {
      bizContent: {
        out_trade_no: req.orderNo,
        total_amount: fenToYuan(req.amountFen),
        subject: req.description.slice(0, 256),
        product_code: phone ? "QUICK_WAP_WAY" : "FAST_INSTANT_TRADE_PAY",
        time_expire: chinaTime(req.expiresAt),
        ...(phone ? { quit_url: req.returnUrl } : {}),
      },
      notify_url: cfg.notifyUrl,
      return_url: req.returnUrl,
    });
    // Signed locally: Alipay creates the trade when the customer opens this address.
    return { kind: "redirect", url };
  }

  return {
    id: "alipay",
    simulated: false,
    createPayment,
    queryPayment,

    async closePayment(orderNo) {
      const a = await exec("alipay.trade.close", { out_trade_no: orderNo });
      // A trade the customer never opened does not exist at Alipay: nothing can pay it now that
      // time_expire has passed, and our order is the only record.
      if (a.code === "10000" || a.subCode === "ACQ.TRADE_NOT_EXIST") return { state: "closed" };
      const now = await queryPayment(orderNo);
      if (now.state === "paid") return now;
      if (now.state === "closed" || now.state === "not_found") return { state: "closed" };
      throw new ProviderUnavailableError("alipay", `close: ${refusal(a)}`);
    },

    async verifyNotification(rawBody) {
      const params = Object.fromEntries(new URLSearchParams(rawBody));
      if (!params.sign) throw new DomainError("unauthenticated", "notification without a sign");
      const sdk = await alipay();
      let valid = false;
      try {
        valid = sdk.checkNotifySignV2(params);
      } catch {
        valid = false;
      }
      if (!valid) throw new DomainError("unauthenticated", "bad notification sign");
      if (params.app_id !== cfg.appId) throw new DomainError("unauthenticated", "notification for another app");
      const status = params.trade_status ?? "";
      if (status !== "TRADE_SUCCESS" && status !== "TRADE_FINISHED") return { kind: "other", note: status || params.notify_type || "unknown" };
      const fen = yuanToFen(params.total_amount);
      if (!params.out_trade_no || !ORDER_NO.test(params.out_trade_no) || !params.trade_no || !fen || !params.notify_id) {
        throw new DomainError("invalid_input", "notification is not a trade notification");
      }
      const event: PaymentEvent = {
        type: "payment.succeeded",
        eventId: params.notify_id.slice(0, 100),
        orderNo: params.out_trade_no,
        amountFen: fen,
        providerRef: params.trade_no.slice(0, 100),
      };
      return { kind: "paid", event };
    },

    answerNotification(outcome) {
      // Alipay: the body `success` means received; anything else makes it retry (8 times over 25 hours).
      return new Response(outcome.ok ? "success" : "fail", {
        status: outcome.ok ? 200 : outcome.status,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    },

    async refund(req) {
      const a = await exec("alipay.trade.refund", {
        out_trade_no: req.orderNo,
        ...(req.paymentRef ? { trade_no: req.paymentRef } : {}),
        refund_amount: fenToYuan(req.refundFen),
        out_request_no: req.outRefundNo,
        ...(req.reason ? { refund_reason: req.reason.slice(0, 256) } : {}),
      });
      // Asked again with the same out_request_no, Alipay answers 10000 with fund_change N: still done.
      if (a.code === "10000") return { state: "succeeded", providerRef: `${String(a.tradeNo ?? req.orderNo)}:${req.outRefundNo}` };
      return { state: "failed", reason: refusal(a) };
    },

    async queryRefund(req) {
      const a = await exec("alipay.trade.fastpay.refund.query", { out_trade_no: req.orderNo, out_request_no: req.outRefundNo });
      if (a.code === "10000" && a.refundStatus === "REFUND_SUCCESS") {
        return { state: "succeeded", providerRef: `${String(a.tradeNo ?? req.orderNo)}:${req.outRefundNo}` };
      }
      if (a.code === "10000" && !a.refundStatus) {
        // Alipay knows no such refund: the first call never reached it; calling refund again is safe.
        throw new ProviderUnavailableError("alipay", "refund query: no such refund");
      }
      return a.code === "10000" ? { state: "processing" } : { state: "failed", reason: refusal(a) };
    },

    async transfer(req) {
      if (req.account.kind !== "alipay") return { state: "failed", reason: "not an Alipay account" };
      const a = await exec("alipay.fund.trans.uni.transfer", {
        out_biz_no: req.outBillNo,
        trans_amount: fenToYuan(req.amountFen),
        product_code: "TRANS_ACCOUNT_NO_PWD",
        biz_scene: "DIRECT_TRANSFER",
        order_title: req.remark.slice(0, 128),
        payee_info: { identity: req.account.account, identity_type: "ALIPAY_LOGON_ID", name: req.account.realName },
      });
      return transferResult(a);
    },

    async queryTransfer(req) {
      const a = await exec("alipay.fund.trans.common.query", {
        out_biz_no: req.outBillNo,
        product_code: "TRANS_ACCOUNT_NO_PWD",
        biz_scene: "DIRECT_TRANSFER",
      });
      if (a.code !== "10000" && (a.subCode === "ORDER_NOT_EXIST" || a.subCode === "ACQ.TRADE_NOT_EXIST")) {
        throw new ProviderRecordNotFoundError("alipay", "transfer query: no such transfer");
      }
      return transferResult(a);
    },

    /** The day's trade bill (bill_type=trade): payments and refunds, its summary checked against its details. */
    async downloadBill(day): Promise<DayBill> {
      const zip = await billZip("trade", day);
      return { source: "provider", rows: zip ? parsed(day, () => parseAlipayTradeBill(zip).rows) : [] };
    },

    /** The day's account bill (bill_type=signcustomer): its 转账 rows, its footers checked against its rows. */
    async downloadTransferStatement(day): Promise<TransferStatement> {
      const zip = await billZip("signcustomer", day);
      return { source: "provider", rows: zip ? parsed(day, () => parseAlipayAccountBill(zip).transfers) : [] };
    },
  };

  /**
   * A bill zip of a day: its address from alipay.data.dataservice.bill.downloadurl.query (a signed
   * call whose answer the SDK verifies), then the zip from that address, which Alipay serves
   * unsigned for a short while. Null when Alipay made no bill (no business that day): read as an
   * empty bill, any posting of that day then shows as missing at the provider, visible, never hidden.
   */
  async function billZip(billType: "trade" | "signcustomer", day: string): Promise<Uint8Array | null> {
    const a = await exec("alipay.data.dataservice.bill.downloadurl.query", { bill_type: billType, bill_date: day });
    if (a.code !== "10000") {
      if (a.subCode === "isp.bill_not_exist") return null;
      throw new ProviderUnavailableError("alipay", `${billType} bill url: ${refusal(a)}`);
    }
    const link = typeof a.billDownloadUrl === "string" ? a.billDownloadUrl : "";
    if (!/^https?:\/\//.test(link)) throw new ProviderUnavailableError("alipay", `${billType} bill url: answer without bill_download_url`);
    try {
      const res = await fetch(link, { signal: AbortSignal.timeout(Math.max(cfg.timeoutMs, BILL_DOWNLOAD_TIMEOUT_MS)) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      // The address carries a one-time token: name neither it nor the query in the error.
      throw new ProviderUnavailableError("alipay", `${billType} bill download: ${e instanceof Error ? e.message.slice(0, 80) : "no answer"}`);
    }
  }

  /** A file that is not as documented fails the run (retried), never reads as a smaller day. */
  function parsed<T>(day: string, parse: () => T): T {
    try {
      return parse();
    } catch (e) {
      if (e instanceof BillFormatError) throw new ProviderUnavailableError("alipay", `bill of ${day}: ${e.message}`);
      throw e;
    }
  }
}

function transferResult(a: Answer): MoneyOutResult {
  if (a.code !== "10000") return { state: "failed", reason: `${a.subCode ?? a.code}: ${a.subMsg ?? a.msg ?? ""}`.slice(0, 200) };
  const ref = typeof a.orderId === "string" ? a.orderId : undefined;
  if (a.status === "SUCCESS" && ref) return { state: "succeeded", providerRef: ref };
  if (a.status === "FAIL" || a.status === "CLOSED") return { state: "failed", reason: String(a.failReason ?? a.status), providerRef: ref };
  return { state: "processing", providerRef: ref };
}
