import { z } from "zod";

/**
 * The payment provider interface, shaped by what WeChat Pay API v3 and Alipay actually do:
 * create a payment (answering with what the browser needs), query it, close it, verify a
 * notification and answer it in the provider's own format, refund and transfer (with their
 * queries). No method takes a transaction handle: every one may call the outside world, and
 * nothing calls the outside world inside a database transaction (docs/payments.md).
 */

export const ORDER_NO = /^FL\d{6}[2-9A-Z]{8}$/;

/** A confirmed payment, as a provider reports it (by notification or by query). */
export const paymentEventSchema = z.object({
  type: z.literal("payment.succeeded"),
  eventId: z.string().min(1).max(100),
  orderNo: z.string().regex(ORDER_NO),
  amountFen: z.number().int().positive().max(100_000_000),
  providerRef: z.string().min(1).max(100),
});

export type PaymentEvent = z.infer<typeof paymentEventSchema>;

/** Where the customer pays, as far as the choice of payment product goes. */
export type PayerDevice = "wechat" | "alipay" | "phone" | "desktop";

export type CreatePaymentRequest = {
  orderNo: string;
  amountFen: number;
  /** Shown on the customer's receipt at the provider (the store's name). */
  description: string;
  device: PayerDevice;
  /** The customer's address, which WeChat H5 requires (scene_info.payer_client_ip). */
  clientIp: string;
  /** The customer's openid for our WeChat app id: required for JSAPI inside WeChat. */
  openid?: string;
  /** Where the provider's page sends the customer back to (Alipay, WeChat H5). */
  returnUrl: string;
  /** After this the provider refuses the payment (the order expires then). */
  expiresAt: Date;
};

/** WeChat's JSAPI parameters for WeixinJSBridge's getBrandWCPayRequest, signed by us. */
export type WechatJsapiParams = {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: "RSA";
  paySign: string;
};

/** What the browser does next to pay. */
export type PaymentAction =
  /** The simulated dev provider: the pay page shows its confirm button. */
  | { kind: "simulated" }
  /** Go to the provider's page (WeChat H5 `h5_url`, Alipay wap or page pay). */
  | { kind: "redirect"; url: string }
  /** Show a QR code to scan with the phone (WeChat Native `code_url` on a desktop). */
  | { kind: "qr"; codeUrl: string }
  /** Call WeixinJSBridge inside WeChat's browser. */
  | { kind: "jsapi"; params: WechatJsapiParams };

/** A payment as the provider knows it. */
export type PaymentStatus =
  | { state: "paid"; event: PaymentEvent }
  /** Created, not paid (yet). */
  | { state: "pending" }
  /** Closed or expired at the provider: it will not be paid. */
  | { state: "closed" }
  /** The provider never saw this order number. */
  | { state: "not_found" };

/** A notification that passed the provider's signature check. */
export type VerifiedNotification =
  | { kind: "paid"; event: PaymentEvent }
  /** Authentic, but nothing to apply here (a closed trade, a refund notification, …). */
  | { kind: "other"; note: string };

/** How handling a notification ended, for the provider's own answer format. */
export type NotificationOutcome =
  | { ok: true; orderNo?: string; applied?: boolean }
  | { ok: false; status: number; code: string; message: string };

/** Where a provider's money-out call ended up. A network error, timeout or 5xx THROWS (the job retries). */
export type MoneyOutResult =
  | { state: "succeeded"; providerRef: string }
  /** Accepted, not final: confirm by notification or query. */
  | { state: "processing"; providerRef?: string }
  /** Final refusal (e.g. account invalid, balance). */
  | { state: "failed"; reason: string; providerRef?: string };

export type PayoutAccount = { kind: "wechat"; openid: string } | { kind: "alipay"; account: string; realName: string };

export type RefundRequest = {
  outRefundNo: string;
  orderNo: string;
  paymentRef: string | null;
  refundFen: number;
  totalFen: number;
  reason?: string;
};

export type TransferRequest = { outBillNo: string; amountFen: number; account: PayoutAccount; remark: string };

/** The providers' limit on our out-ids (out_trade_no, out_refund_no, out_bill_no). */
export const OUT_ID = /^[A-Za-z0-9_]{1,32}$/;

/**
 * One line of a provider's daily bill: money it took (a payment, by our order number), gave back (a
 * refund, by our out_refund_no) or sent (a transfer, by our out_bill_no). Neither trade bill lists
 * transfers: they come from the account's fund-flow statement (TransferStatement).
 */
export type BillRow = {
  kind: "payment" | "refund" | "transfer";
  /** Our id for it: out_trade_no, out_refund_no or out_bill_no. */
  outId: string;
  /** The provider's id for it (transaction_id, refund_id, trade_no …). */
  providerRef: string;
  /** Always positive: a refund's amount is what went back. */
  amountFen: number;
  at: Date;
};

/**
 * A day's bill. "ledger": the provider keeps no bill of its own (the simulated dev provider moves no
 * money), so the reconciliation takes the ledger's own payment records as its bill: it then checks
 * the postings against the rows that caused them, and never reports a difference that is not one.
 */
export type DayBill = { source: "provider"; rows: BillRow[] } | { source: "ledger" };

/**
 * The transfers of a day (kind "transfer" rows), read from the provider's statement of its account's
 * money movements: WeChat Pay's fund-flow bill (资金账单, /v3/bill/fundflowbill), Alipay's account
 * bill (账务明细, bill_type=signcustomer). "none": a provider that sends no transfers of real money.
 */
export type TransferStatement = { source: "provider"; rows: BillRow[] } | { source: "none" };

/** The provider has not made the day's bill yet (WeChat after 10:00, Alipay after 09:00 China time): try later. */
export class BillNotReadyError extends Error {
  constructor(
    readonly provider: string,
    readonly day: string,
  ) {
    super(`${provider}: the bill of ${day} is not ready yet`);
    this.name = "BillNotReadyError";
  }
}

/** A day in China time, as the providers name bills: YYYY-MM-DD. */
export const BILL_DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface PaymentProvider {
  readonly id: string;
  /** Shown plainly in the UI: a simulated provider moves no real money. */
  readonly simulated: boolean;
  /** Asks the provider for a payment of the order and says what the browser does next. */
  createPayment(req: CreatePaymentRequest): Promise<PaymentAction>;
  queryPayment(orderNo: string): Promise<PaymentStatus>;
  /**
   * Closes the order's payment so it can no longer be paid. Safe to repeat. Answers "paid" (with
   * the payment) when the customer paid before the close reached the provider.
   */
  closePayment(orderNo: string): Promise<{ state: "closed" } | { state: "paid"; event: PaymentEvent }>;
  /**
   * Authenticates a notification (signature, certificate, timestamp) and parses it. Throws
   * DomainError("unauthenticated") for a bad or unknown signature, ("invalid_input") for a body
   * that is not a notification.
   */
  verifyNotification(rawBody: string, headers: Headers): Promise<VerifiedNotification>;
  /** The answer the provider expects (WeChat: JSON and a status code; Alipay: the body `success`). */
  answerNotification(outcome: NotificationOutcome): Response;
  refund(req: RefundRequest): Promise<MoneyOutResult>;
  queryRefund(req: { outRefundNo: string; orderNo: string }): Promise<MoneyOutResult>;
  transfer(req: TransferRequest): Promise<MoneyOutResult>;
  queryTransfer(req: { outBillNo: string }): Promise<MoneyOutResult>;
  /**
   * The day's trade bill (payments and refunds), downloaded, checked (WeChat's SHA1, the summary
   * lines) and parsed. `day` is a China-time day (BILL_DAY). Throws BillNotReadyError before the
   * provider has made it, ProviderUnavailableError when it cannot be had or does not check out.
   */
  downloadBill(day: string): Promise<DayBill>;
  /**
   * The day's transfers, from the account statement downloaded and checked as `downloadBill`'s
   * file is (its summary lines, WeChat's SHA1), with the same errors.
   */
  downloadTransferStatement(day: string): Promise<TransferStatement>;
}

/** A provider's HTTP API answered with a server error or not at all: the caller may retry. */
export class ProviderUnavailableError extends Error {
  constructor(
    readonly provider: string,
    message: string,
  ) {
    super(`${provider}: ${message}`);
    this.name = "ProviderUnavailableError";
  }
}

/**
 * A query found no such refund or transfer: the first call never reached the provider, so asking
 * for it again (with the same out-id) is safe. A ProviderUnavailableError, so a caller that does
 * not tell the two apart still retries.
 */
export class ProviderRecordNotFoundError extends ProviderUnavailableError {
  constructor(provider: string, message: string) {
    super(provider, message);
    this.name = "ProviderRecordNotFoundError";
  }
}
