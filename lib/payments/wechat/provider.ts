import "server-only";
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { z } from "zod";
import { DomainError } from "@/lib/errors";
import { BillFormatError } from "../bill-text";
import {
  BillNotReadyError,
  ORDER_NO,
  ProviderRecordNotFoundError,
  ProviderUnavailableError,
  type CreatePaymentRequest,
  type DayBill,
  type TransferStatement,
  type MoneyOutResult,
  type PaymentAction,
  type PaymentEvent,
  type PaymentProvider,
  type PaymentStatus,
} from "../provider";
import { parseWechatTradeBill } from "./bill";
import { parseWechatFundFlowBill } from "./fund-bill";
import { log } from "@/lib/observability/log";

/**
 * WeChat Pay API v3 through `wechatpay-axios-plugin`: it signs every request (Authorization
 * WECHATPAY2-SHA256-RSA2048), and verifies every answer's Wechatpay-Signature against the platform
 * certificate or public key named by Wechatpay-Serial (refusing unknown serials and timestamps more
 * than 5 minutes off). Notifications arrive at our webhook, so their check is ours, made with the
 * same SDK's Rsa.verify and Formatter, and their resource is opened with its Aes.AesGcm.
 */
export type WechatConfig = {
  mchid: string;
  appid: string;
  /** Serial of the merchant API certificate, sent in every Authorization header. */
  merchantSerial: string;
  /** The merchant API private key (PEM). */
  privateKey: string;
  /** The APIv3 key (32 characters), which encrypts notification resources. */
  apiV3Key: string;
  /** Platform certificates or the WeChat Pay public key, by serial or public key id (PEM). */
  platformKeys: Map<string, string>;
  baseUrl: string;
  notifyUrl: string;
  timeoutMs: number;
  transferSceneId?: string;
};

/** The serial of a platform certificate, as WeChat Pay writes it in Wechatpay-Serial (upper-case hex). */
export function certificateSerial(pem: string): string {
  return new X509Certificate(pem).serialNumber.toUpperCase();
}

/** How old (or how far in the future) a signed notification may be, in seconds. */
const MAX_CLOCK_SKEW_S = 300;

const transactionSchema = z.object({
  mchid: z.string(),
  out_trade_no: z.string().regex(ORDER_NO),
  transaction_id: z.string().min(1).max(100).optional(),
  trade_state: z.string(),
  amount: z.object({ total: z.number().int().positive() }).optional(),
});

const notificationSchema = z.object({
  id: z.string().min(1).max(100),
  event_type: z.string(),
  resource: z.object({
    algorithm: z.literal("AEAD_AES_256_GCM"),
    ciphertext: z.string().min(1),
    nonce: z.string().min(1),
    associated_data: z.string().optional().default(""),
  }),
});

type Endpoint = {
  get(config: Record<string, unknown>): Promise<{ data: unknown }>;
  post(data: object, config?: Record<string, unknown>): Promise<{ data: unknown }>;
};

type AxiosLikeError = { response?: { status: number; data?: unknown }; code?: string; message?: string };

/** The error code and message WeChat Pay puts in a 4xx body, e.g. ORDER_NOT_EXIST. */
function businessError(e: AxiosLikeError): { status: number; code: string; message: string } | null {
  const status = e.response?.status;
  if (!status || status < 400 || status >= 500 || status === 429) return null;
  const data = (e.response?.data ?? {}) as { code?: unknown; message?: unknown };
  return { status, code: String(data.code ?? "UNKNOWN"), message: String(data.message ?? "").slice(0, 200) };
}

/**
 * Rethrows a failed call as what the caller can act on, with no request detail (the axios error
 * carries the Authorization header and the key objects): a 4xx with WeChat's code is returned to
 * the caller; anything else (5xx, 429, timeout, network, an answer whose signature failed) throws
 * ProviderUnavailableError, which a job retries.
 */
async function call<T>(what: string, run: () => Promise<{ data: unknown }>): Promise<{ ok: true; data: T } | { ok: false; status: number; code: string; message: string }> {
  try {
    const res = await run();
    return { ok: true, data: res.data as T };
  } catch (e) {
    const err = e as AxiosLikeError;
    const biz = businessError(err);
    if (biz) return { ok: false, ...biz };
    const reason = err.response ? `HTTP ${err.response.status}` : err.code?.startsWith("EV3_") ? `answer refused (${err.code})` : (err.code ?? "no answer");
    throw new ProviderUnavailableError("wechat", `${what}: ${reason}`);
  }
}

/** RFC 3339 in China time, as WeChat Pay wants time_expire. */
function rfc3339China(d: Date): string {
  const shifted = new Date(d.getTime() + 8 * 3600_000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}

type Sdk = typeof import("wechatpay-axios-plugin");
let sdkLoading: Promise<Sdk> | undefined;

/**
 * The SDK, required on the first call that needs it and not when this module loads: a server
 * without WeChat Pay configured (a demo, the bench) never holds it (required alone in plain Node,
 * it adds 21 MB of RSS; docs/performance.md, "Eighth round"). The keys are still parsed when the
 * provider is created, so a bad key stops the start as before.
 */
function loadSdk(): Promise<Sdk> {
  return (sdkLoading ??= import("wechatpay-axios-plugin"));
}

export function createWechatProvider(cfg: WechatConfig): PaymentProvider {
  // What the SDK's Rsa.from does with a PEM: node's own parsers, which throw on a malformed key.
  const privateKey: KeyObject = createPrivateKey(cfg.privateKey);
  const platformKeys = new Map<string, KeyObject>([...cfg.platformKeys].map(([serial, pem]) => [serial, createPublicKey(pem)]));
  // The client is a Proxy that answers every property, `then` included: a promise resolved with it
  // (or with one of its chain nodes) would take it for a thenable and call it, a request that never
  // settles. So it and its nodes only ever travel inside a box.
  let client: Promise<{ wxpay: object }> | undefined;
  const boxedClient = () =>
    (client ??= loadSdk().then(({ Wechatpay }) => ({
      wxpay: new Wechatpay({
        mchid: cfg.mchid,
        serial: cfg.merchantSerial,
        privateKey: cfg.privateKey,
        certs: Object.fromEntries(cfg.platformKeys),
        baseURL: cfg.baseUrl,
        timeout: cfg.timeoutMs,
      }),
    })));
  /** The SDK's chain for a path such as `v3/pay/transactions/out-trade-no/{out_trade_no}/close`. */
  const api = (path: string): Endpoint => {
    const boxedNode = async () => {
      const { wxpay } = await boxedClient();
      return { node: path.split("/").reduce<unknown>((node, seg) => (node as Record<string, unknown>)[seg], wxpay) as Endpoint };
    };
    return {
      get: async (config) => (await boxedNode()).node.get(config),
      post: async (data, config) => (await boxedNode()).node.post(data, config),
    };
  };

  async function createPayment(req: CreatePaymentRequest): Promise<PaymentAction> {
    const common = {
      appid: cfg.appid,
      mchid: cfg.mchid,
      description: req.description.slice(0, 127),
      out_trade_no: req.orderNo,
      time_expire: rfc3339China(req.expiresAt),
      notify_url: cfg.notifyUrl,
      amount: { total: req.amountFen, currency: "CNY" },
    };
    if (req.device === "wechat") {
      if (!req.openid) throw new DomainError("not_allowed", "payment.needsWechatLogin");
      const res = await call<{ prepay_id: string }>("jsapi", () => api("v3/pay/transactions/jsapi").post({ ...common, payer: { openid: req.openid } }));
      if (!res.ok) throw refusedCreate(res);
      const { Formatter, Rsa } = await loadSdk();
      const timeStamp = String(Formatter.timestamp());
      const nonceStr = Formatter.nonce();
      const pkg = `prepay_id=${res.data.prepay_id}`;
      // The JSAPI pay sign: appId, timeStamp, nonceStr and package, each followed by a line feed.
      const paySign = Rsa.sign(Formatter.joinedByLineFeed(cfg.appid, timeStamp, nonceStr, pkg), privateKey);
      return { kind: "jsapi", params: { appId: cfg.appid, timeStamp, nonceStr, package: pkg, signType: "RSA", paySign } };
    }
    if (req.device === "desktop") {
      const res = await call<{ code_url: string }>("native", () => api("v3/pay/transactions/native").post(common));
      if (!res.ok) throw refusedCreate(res);
      return { kind: "qr", codeUrl: res.data.code_url };
    }
    const res = await call<{ h5_url: string }>("h5", () =>
      api("v3/pay/transactions/h5").post({ ...common, scene_info: { payer_client_ip: req.clientIp, h5_info: { type: "Wap" } } }),
    );
    if (!res.ok) throw refusedCreate(res);
    // WeChat's cashier returns the customer to redirect_url when the payment is done or abandoned.
    const url = new URL(res.data.h5_url);
    url.searchParams.set("redirect_url", req.returnUrl);
    return { kind: "redirect", url: url.toString() };
  }

  function refusedCreate(res: { code: string; message: string }): DomainError {
    // ORDERPAID: paid already (the notification or a query applies it); anything else is a refusal.
    log.warn({ code: res.code, reason: res.message }, "wechat pay refused a payment");
    return new DomainError("conflict", "payment.providerRefused", undefined, { code: res.code });
  }

  function toEvent(t: z.infer<typeof transactionSchema>, eventId: string): PaymentEvent | null {
    if (t.trade_state !== "SUCCESS" || !t.amount || !t.transaction_id) return null;
    return { type: "payment.succeeded", eventId, orderNo: t.out_trade_no, amountFen: t.amount.total, providerRef: t.transaction_id };
  }

  async function queryPayment(orderNo: string): Promise<PaymentStatus> {
    const res = await call<unknown>("query", () =>
      api("v3/pay/transactions/out-trade-no/{out_trade_no}").get({ params: { mchid: cfg.mchid }, out_trade_no: orderNo }),
    );
    if (!res.ok) {
      if (res.code === "ORDER_NOT_EXIST" || res.status === 404) return { state: "not_found" };
      throw new ProviderUnavailableError("wechat", `query: ${res.code}`);
    }
    const t = transactionSchema.parse(res.data);
    if (t.out_trade_no !== orderNo || t.mchid !== cfg.mchid) throw new ProviderUnavailableError("wechat", "query answered for another order");
    const event = toEvent(t, `query:${t.transaction_id}`);
    if (event) return { state: "paid", event };
    // REFUND means paid then refunded: still a payment the ledger must know.
    if (t.trade_state === "REFUND" && t.amount && t.transaction_id) {
      return { state: "paid", event: { ...toEvent({ ...t, trade_state: "SUCCESS" }, `query:${t.transaction_id}`)! } };
    }
    if (t.trade_state === "CLOSED" || t.trade_state === "REVOKED" || t.trade_state === "PAYERROR") return { state: "closed" };
    return { state: "pending" };
  }

  return {
    id: "wechat",
    simulated: false,
    createPayment,
    queryPayment,

    async closePayment(orderNo) {
      const res = await call<unknown>("close", () =>
        api("v3/pay/transactions/out-trade-no/{out_trade_no}/close").post({ mchid: cfg.mchid }, { out_trade_no: orderNo }),
      );
      if (res.ok || res.code === "ORDER_NOT_EXIST") return { state: "closed" };
      // The close was refused (ORDERPAID, …): what the provider holds decides.
      const now = await queryPayment(orderNo);
      if (now.state === "paid") return now;
      if (now.state === "closed" || now.state === "not_found") return { state: "closed" };
      throw new ProviderUnavailableError("wechat", `close: ${res.code}`);
    },

    async verifyNotification(rawBody, headers) {
      const timestamp = headers.get("wechatpay-timestamp");
      const nonce = headers.get("wechatpay-nonce");
      const serial = headers.get("wechatpay-serial");
      const signature = headers.get("wechatpay-signature");
      if (!timestamp || !nonce || !serial || !signature) {
        throw new DomainError("unauthenticated", "notification without Wechatpay-Timestamp/Nonce/Serial/Signature");
      }
      const { Aes, Formatter, Rsa } = await loadSdk();
      if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Formatter.timestamp() - Number(timestamp)) > MAX_CLOCK_SKEW_S) {
        throw new DomainError("unauthenticated", "notification timestamp out of range");
      }
      const key = platformKeys.get(serial);
      if (!key) throw new DomainError("unauthenticated", "notification signed with an unknown platform certificate serial");
      let valid = false;
      try {
        valid = Rsa.verify(Formatter.response(timestamp, nonce, rawBody), signature, key);
      } catch {
        valid = false;
      }
      if (!valid) throw new DomainError("unauthenticated", "bad notification signature");

      let body: z.infer<typeof notificationSchema>;
      try {
        body = notificationSchema.parse(JSON.parse(rawBody));
      } catch {
        throw new DomainError("invalid_input", "notification body is not a WeChat Pay notification");
      }
      if (body.event_type !== "TRANSACTION.SUCCESS") return { kind: "other", note: body.event_type };
      let plain: string;
      try {
        const r = body.resource;
        plain = Aes.AesGcm.decrypt(r.ciphertext, cfg.apiV3Key, r.nonce, r.associated_data);
      } catch {
        throw new DomainError("unauthenticated", "notification resource could not be decrypted with the APIv3 key");
      }
      const parsed = transactionSchema.safeParse(JSON.parse(plain));
      if (!parsed.success) throw new DomainError("invalid_input", "notification resource is not a transaction");
      if (parsed.data.mchid !== cfg.mchid) throw new DomainError("unauthenticated", "notification for another merchant");
      const event = toEvent(parsed.data, body.id);
      return event ? { kind: "paid", event } : { kind: "other", note: parsed.data.trade_state };
    },

    answerNotification(outcome) {
      // WeChat Pay: 200 or 204 with no body means received; anything else, with {code, message},
      // makes it retry (15 times over 24 hours).
      if (outcome.ok) return new Response(null, { status: 204 });
      return Response.json({ code: "FAIL", message: outcome.message.slice(0, 200) }, { status: outcome.status >= 400 ? outcome.status : 500 });
    },

    async refund(req) {
      const res = await call<RefundAnswer>("refund", () =>
        api("v3/refund/domestic/refunds").post({
          out_trade_no: req.orderNo,
          ...(req.paymentRef ? { transaction_id: req.paymentRef } : {}),
          out_refund_no: req.outRefundNo,
          reason: req.reason?.slice(0, 80),
          notify_url: cfg.notifyUrl,
          amount: { refund: req.refundFen, total: req.totalFen, currency: "CNY" },
        }),
      );
      return res.ok ? refundResult(res.data) : { state: "failed", reason: `${res.code}: ${res.message}` };
    },

    async queryRefund(req) {
      const res = await call<RefundAnswer>("refund query", () =>
        api("v3/refund/domestic/refunds/{out_refund_no}").get({ out_refund_no: req.outRefundNo }),
      );
      if (res.ok) return refundResult(res.data);
      // No such refund: the first call never reached WeChat Pay; calling refund again is safe.
      throw new ProviderUnavailableError("wechat", `refund query: ${res.code}`);
    },

    async transfer(req) {
      if (req.account.kind !== "wechat") return { state: "failed", reason: "not a WeChat account" };
      if (!cfg.transferSceneId) return { state: "failed", reason: "WECHATPAY_TRANSFER_SCENE_ID is not configured" };
      const res = await call<TransferAnswer>("transfer", () =>
        api("v3/fund-app/mch-transfer/transfer-bills").post({
          appid: cfg.appid,
          out_bill_no: req.outBillNo,
          transfer_scene_id: cfg.transferSceneId,
          openid: req.account.kind === "wechat" ? req.account.openid : "",
          transfer_amount: req.amountFen,
          transfer_remark: req.remark.slice(0, 32),
          notify_url: cfg.notifyUrl,
        }),
      );
      return res.ok ? transferResult(res.data) : { state: "failed", reason: `${res.code}: ${res.message}` };
    },

    async queryTransfer(req) {
      const res = await call<TransferAnswer>("transfer query", () =>
        api("v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}").get({ out_bill_no: req.outBillNo }),
      );
      if (res.ok) return transferResult(res.data);
      if (res.code === "NOT_FOUND") throw new ProviderRecordNotFoundError("wechat", "transfer query: no such transfer");
      throw new ProviderUnavailableError("wechat", `transfer query: ${res.code}`);
    },

    downloadBill,
    downloadTransferStatement,
  };

  /**
   * A bill file of a day: applied for (a signed and verified answer naming the file and its SHA1),
   * then downloaded through the same SDK (the download is signed too; WeChat does not sign the
   * file, so the SDK leaves it unverified and the SHA1 is our check). Only the path and query of
   * download_url are used: the file comes from the configured base URL, never from an address an
   * answer could point elsewhere. Null when WeChat made no file (nothing happened that day).
   */
  async function billFile(what: string, path: string, params: Record<string, string>, day: string): Promise<Buffer | null> {
    const res = await call<{ download_url?: string; hash_type?: string; hash_value?: string }>(what, () => api(path).get({ params }));
    if (!res.ok) {
      if (res.code === "NO_STATEMENT_EXIST") return null;
      if (res.code === "STATEMENT_CREATING") throw new BillNotReadyError("wechat", day);
      throw new ProviderUnavailableError("wechat", `${what}: ${res.code}`);
    }
    const { download_url: link, hash_type: hashType, hash_value: hashValue } = res.data;
    if (!link || hashType !== "SHA1" || !hashValue) throw new ProviderUnavailableError("wechat", `${what}: answer without download_url or SHA1`);
    const url = new URL(link);
    const file = await call<ArrayBuffer>(`${what} download`, () =>
      api(url.pathname.replace(/^\/+/, "")).get({ params: Object.fromEntries(url.searchParams), responseType: "arraybuffer" }),
    );
    if (!file.ok) throw new ProviderUnavailableError("wechat", `${what} download: ${file.code}`);
    const bytes = Buffer.from(file.data);
    const { Hash } = await loadSdk();
    if (Hash.sha1(bytes).toLowerCase() !== hashValue.toLowerCase()) {
      throw new ProviderUnavailableError("wechat", `${what} of ${day}: the file does not match its SHA1`);
    }
    return bytes;
  }

  /** Reads a downloaded file; a file that is not as documented fails the run (retried), never reads as less. */
  function parsed<T>(what: string, day: string, parse: () => T): T {
    try {
      return parse();
    } catch (e) {
      if (e instanceof BillFormatError) throw new ProviderUnavailableError("wechat", `${what} of ${day}: ${e.message}`);
      throw e;
    }
  }

  /** The ALL trade bill of a day (GET /v3/bill/tradebill): payments and refunds. */
  async function downloadBill(day: string): Promise<DayBill> {
    const bytes = await billFile("tradebill", "v3/bill/tradebill", { bill_date: day, bill_type: "ALL" }, day);
    if (!bytes) return { source: "provider", rows: [] };
    return { source: "provider", rows: parsed("bill", day, () => parseWechatTradeBill(bytes.toString("utf8")).rows) };
  }

  /** The basic account's fund-flow bill of a day (GET /v3/bill/fundflowbill): its 商家转账 rows. */
  async function downloadTransferStatement(day: string): Promise<TransferStatement> {
    const bytes = await billFile("fundflowbill", "v3/bill/fundflowbill", { bill_date: day, account_type: "BASIC" }, day);
    if (!bytes) return { source: "provider", rows: [] };
    return { source: "provider", rows: parsed("fund bill", day, () => parseWechatFundFlowBill(bytes.toString("utf8")).transfers) };
  }
}

type RefundAnswer = { refund_id?: string; status?: string };
type TransferAnswer = { transfer_bill_no?: string; state?: string; fail_reason?: string };

function refundResult(a: RefundAnswer): MoneyOutResult {
  if (a.status === "SUCCESS" && a.refund_id) return { state: "succeeded", providerRef: a.refund_id };
  if (a.status === "CLOSED" || a.status === "ABNORMAL") return { state: "failed", reason: a.status, providerRef: a.refund_id };
  return { state: "processing", providerRef: a.refund_id };
}

function transferResult(a: TransferAnswer): MoneyOutResult {
  if (a.state === "SUCCESS" && a.transfer_bill_no) return { state: "succeeded", providerRef: a.transfer_bill_no };
  if (a.state === "FAIL" || a.state === "CANCELLED") {
    return { state: "failed", reason: a.fail_reason ?? a.state, providerRef: a.transfer_bill_no };
  }
  return { state: "processing", providerRef: a.transfer_bill_no };
}
