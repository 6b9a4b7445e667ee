// The payment providers of the chaos run: the test suite's fake WeChat Pay and Alipay
// (lib/payments/*/fake-server.ts, which check every signature and sign every answer), each behind a
// FaultProxy, and a notifier that posts their payment notifications to the app late, twice, out of
// order or never. The app is configured with the fakes' keys and the proxies' addresses, so every
// call it makes runs through the real SDKs, exactly as in production but for the address.
import { AlipayFake } from "@/lib/payments/alipay/fake-server";
import { createAlipayProvider } from "@/lib/payments/alipay/provider";
import type { PaymentProvider } from "@/lib/payments/provider";
import { WechatFake } from "@/lib/payments/wechat/fake-server";
import { createWechatProvider } from "@/lib/payments/wechat/provider";
import { classifyAlipay, classifyWechat, FaultProxy, type FaultRates } from "./fault-proxy";
import { callRoute, type Outcome } from "./http";
import type { RunLog } from "./record";
import { Rng } from "./rng";

export type RealProvider = "wechat" | "alipay";

/** How long the app waits for a provider (PAYMENT_PROVIDER_TIMEOUT_MS): short, so timeouts cost little. */
export const PROVIDER_TIMEOUT_MS = 2_000;

/**
 * Money-out faults: a refund (or transfer) call fails with a 5xx, gets no answer, or is done by the
 * provider whose answer is then lost. Queries fail less often. Money-in calls are left alone: the
 * faults of money in are the notifications' (Notifier).
 */
const MONEY_OUT: FaultRates = { "5xx": 0.12, timeout: 0.1, "lost-answer": 0.12 };
const MONEY_OUT_QUERY: FaultRates = { "5xx": 0.08, timeout: 0.05, "lost-answer": 0 };
const RATES = { refund: MONEY_OUT, "refund-query": MONEY_OUT_QUERY, transfer: MONEY_OUT, "transfer-query": MONEY_OUT_QUERY };

export class ProviderFakes {
  readonly wechat = new WechatFake();
  readonly alipay = new AlipayFake();
  /** Set by start(), once the fakes listen. */
  wechatProxy!: FaultProxy;
  alipayProxy!: FaultProxy;

  constructor(private readonly rng: Rng) {}

  async start(): Promise<void> {
    // About one payee in ten is refused by Alipay (as a closed or unverified account is), so the run
    // has failed transfers whose money must come back to the wallet once.
    this.alipay.refusePayee = (identity) => (identity.endsWith("7") ? "PAYEE_ACCOUNT_STATUS_ERROR" : null);
    await Promise.all([this.wechat.start(), this.alipay.start()]);
    this.wechatProxy = new FaultProxy(this.wechat.url, classifyWechat, RATES, this.rng);
    this.alipayProxy = new FaultProxy(this.alipay.url, classifyAlipay, RATES, this.rng);
    await Promise.all([this.wechatProxy.start(), this.alipayProxy.start()]);
  }

  async stop(): Promise<void> {
    const all = [this.wechatProxy?.stop(), this.alipayProxy?.stop(), this.wechat.stop(), this.alipay.stop()];
    await Promise.all(all.map((p) => p?.catch(() => {})));
  }

  setFaults(on: boolean): void {
    this.wechatProxy.setEnabled(on);
    this.alipayProxy.setEnabled(on);
  }

  /** The app's (and its workers') environment for both providers: the fakes' keys, the proxies' addresses. */
  appEnvironment(): Record<string, string> {
    const w = this.wechat.keys;
    const a = this.alipay.keys;
    return {
      WECHATPAY_MCHID: w.mchid,
      WECHATPAY_APPID: w.appid,
      WECHATPAY_MERCHANT_SERIAL: w.merchantSerial,
      WECHATPAY_PRIVATE_KEY: w.merchantPrivateKey,
      WECHATPAY_API_V3_KEY: w.apiV3Key,
      WECHATPAY_PLATFORM_CERT: w.platformCert,
      WECHATPAY_TRANSFER_SCENE_ID: "1000",
      WECHATPAY_BASE_URL: this.wechatProxy.url,
      ALIPAY_APP_ID: a.appId,
      ALIPAY_PRIVATE_KEY: a.appPrivateKey,
      ALIPAY_PUBLIC_KEY: a.alipayPublicKey,
      ALIPAY_GATEWAY: this.alipayProxy.url,
      PAYMENT_PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
    };
  }

  /**
   * The same providers in this process, through the same SDK code and the same proxies: only the
   * deliberately broken refund path (broken-outbox.ts) uses them. `notifyBase` is any instance.
   */
  inProcess(notifyBase: string): Record<RealProvider, PaymentProvider> {
    const w = this.wechat.keys;
    const a = this.alipay.keys;
    return {
      wechat: createWechatProvider({
        mchid: w.mchid,
        appid: w.appid,
        merchantSerial: w.merchantSerial,
        privateKey: w.merchantPrivateKey,
        apiV3Key: w.apiV3Key,
        platformKeys: new Map([[w.platformSerial, w.platformCert]]),
        baseUrl: this.wechatProxy.url,
        notifyUrl: `${notifyBase}/api/payments/wechat/webhook`,
        timeoutMs: PROVIDER_TIMEOUT_MS,
        transferSceneId: "1000",
      }),
      alipay: createAlipayProvider({
        appId: a.appId,
        privateKey: a.appPrivateKey,
        alipayPublicKey: a.alipayPublicKey,
        gateway: this.alipayProxy.url,
        notifyUrl: `${notifyBase}/api/payments/alipay/webhook`,
        timeoutMs: PROVIDER_TIMEOUT_MS,
      }),
    };
  }

  /**
   * The customer pays at the provider's page (what the fakes' cashier pages do on "Pay", without
   * their notification: the Notifier sends it). Answers the order number when the provider took
   * the money now, null when it did not (the trade was closed meanwhile).
   */
  customerPays(provider: RealProvider, payUrl: string): string | null {
    if (provider === "wechat") {
      const orderNo = new URL(payUrl).searchParams.get("order") ?? "";
      const t = this.wechat.trades.get(orderNo);
      if (!t || t.state !== "NOTPAY") return null;
      return this.wechat.pay(orderNo).state === "SUCCESS" ? orderNo : null;
    }
    const orderNo = this.alipay.open(payUrl);
    const t = this.alipay.trades.get(orderNo);
    if (!t || t.status !== "WAIT_BUYER_PAY") return null;
    return this.alipay.pay(orderNo).status === "TRADE_SUCCESS" ? orderNo : null;
  }

  /** A signed notification of the order's payment and where the provider posts it. */
  notification(provider: RealProvider, orderNo: string): { url: string; body: string; headers: Record<string, string> } {
    const n = provider === "wechat" ? this.wechat.notification(orderNo) : this.alipay.notification(orderNo);
    const url = provider === "wechat" ? this.wechat.trades.get(orderNo)!.notifyUrl : this.alipay.trades.get(orderNo)!.notifyUrl;
    return { url, body: n.body, headers: Object.fromEntries(n.headers) };
  }
}

export type NotifierFigures = {
  /** Payments the providers took during the workload. */
  payments: number;
  /** Notifications posted (first deliveries, duplicates and the provider's retries). */
  posted: number;
  duplicates: number;
  delayed: number;
  reordered: number;
  /** Payments whose notifications were all dropped: only a query can find them. */
  dropped: number;
  /** Posts the app did not acknowledge (it was down, or answered 503), retried as the provider does. */
  providerRetries: number;
  /** Payments whose notifications the provider gave up on (retries exhausted). */
  undelivered: number;
};

/** The faults of notifications, per payment. */
const NOTIFY = { drop: 0.1, duplicate: 0.25, late: 0.2, reorder: 0.2 };
/** The provider's own retries of a notification the app did not acknowledge (WeChat: 15 over 24 h). */
const DELIVERY_TRIES = 6;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Posts the providers' payment notifications with faults: some late (3–12 s), some twice or three
 * times (a resent copy of the same body, or a freshly signed one), some held back and released in
 * reverse order behind later ones, and some never (dropped: the provider's every retry lost). A
 * post the app does not acknowledge is retried with backoff, as the providers do.
 */
export class Notifier {
  readonly figures: NotifierFigures = { payments: 0, posted: 0, duplicates: 0, delayed: 0, reordered: 0, dropped: 0, providerRetries: 0, undelivered: 0 };
  private readonly pending = new Set<Promise<void>>();
  private held: (() => void)[] = [];
  private holdTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fakes: ProviderFakes,
    private readonly log: RunLog,
    private readonly rng: Rng,
  ) {}

  /** The provider took the money for `orderNo`: its notifications go out, with faults. */
  paid(provider: RealProvider, orderNo: string): void {
    this.figures.payments += 1;
    if (this.rng.chance(NOTIFY.drop)) {
      this.figures.dropped += 1;
      return;
    }
    const copies = this.rng.chance(NOTIFY.duplicate) ? this.rng.int(2, 3) : 1;
    this.figures.duplicates += copies - 1;
    const first = this.fakes.notification(provider, orderNo);
    for (let i = 0; i < copies; i++) {
      // A duplicate is sometimes the very same post again, sometimes freshly signed.
      const note = i > 0 && this.rng.chance(0.5) ? this.fakes.notification(provider, orderNo) : first;
      const late = this.rng.chance(NOTIFY.late);
      if (late) this.figures.delayed += 1;
      const delay = late ? this.rng.int(3_000, 12_000) : this.rng.int(0, 1_500);
      const reorder = this.rng.chance(NOTIFY.reorder);
      const task = (async () => {
        await sleep(delay);
        if (reorder) {
          this.figures.reordered += 1;
          await new Promise<void>((release) => this.hold(release));
        }
        await this.deliver(provider, orderNo, note);
      })();
      this.pending.add(task);
      void task.finally(() => this.pending.delete(task));
    }
  }

  /** Held notifications go out together, newest first, once three wait or after 2 s. */
  private hold(release: () => void): void {
    this.held.push(release);
    if (this.held.length >= 3) this.releaseHeld();
    else this.holdTimer ??= setTimeout(() => this.releaseHeld(), 2_000);
  }

  private releaseHeld(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    const batch = this.held.reverse();
    this.held = [];
    for (const r of batch) r();
  }

  private async deliver(provider: RealProvider, orderNo: string, note: { url: string; body: string; headers: Record<string, string> }): Promise<void> {
    const u = new URL(note.url);
    for (let attempt = 0; attempt < DELIVERY_TRIES; attempt++) {
      this.figures.posted += 1;
      if (attempt > 0) this.figures.providerRetries += 1;
      const out: Outcome = await callRoute(u.origin, "POST", u.pathname, { headers: note.headers, raw: note.body });
      this.log.count(`${provider} notification`, out);
      const accepted = out.kind === "ack" && (provider === "wechat" || out.body.text === "success");
      if (accepted) return;
      if (out.kind === "refused") {
        // An authentic notification of a real payment has no reason to be refused.
        this.log.violation("authentic notification refused", `${provider} ${orderNo}: ${out.status} ${out.message}`);
        return;
      }
      await sleep(500 * 2 ** attempt);
    }
    this.figures.undelivered += 1;
  }

  /** Waits for every notification still on its way (at most `ms`). */
  async flush(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.pending.size > 0 && Date.now() < deadline) {
      this.releaseHeld();
      await Promise.race([Promise.all([...this.pending]), sleep(500)]);
    }
  }
}
