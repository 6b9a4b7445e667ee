// The seeded random workload: a plan of operations drawn from the seed up front, run by a fixed
// number of concurrent workers spread over both app instances. Each operation is what a real
// client would do, including its retries: after an answer it cannot trust (lost, or 503), a client
// retries with the same idempotency key, on the other instance.
import type pg from "pg";
import { CRON_SECRET } from "@/e2e/test-env";
import type { BrokenOutbox } from "./broken-outbox";
import type { AppInstance } from "./cluster";
import { callAction, callRoute, cookieHeader, visitPage, type Outcome } from "./http";
import type { Notifier, ProviderFakes, RealProvider } from "./providers";
import type { RunLog, WebAck } from "./record";
import { Rng } from "./rng";
import { PASSWORD, type Seeded, type SeededStore } from "./seed";

export const OP_WEIGHTS = {
  posHot: 26,
  posStore: 28,
  webOrder: 8,
  drainHot: 5,
  drainRace: 7,
  drainStore: 2,
  sweep: 2,
  leave: 6,
  refund: 4,
  withdraw: 2,
  review: 2,
  read: 13,
} as const;
export type OpKind = keyof typeof OP_WEIGHTS;

export type Actions = Map<string, { id: string; url: string }>;

type Customer = Seeded["customers"][number] & { cookie?: string; payoutAccountId?: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CRON = { authorization: `Bearer ${CRON_SECRET}` };

/** Whether a client may retry: it got no trustworthy answer. */
const retryable = (o: Outcome) => o.kind === "lost" || o.kind === "unavailable";

/** A phone browser that is neither WeChat's nor Alipay's: the pay page offers both, H5 and wap pay. */
const PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";

/** The payment providers' side of the run: the fakes, their notifier, and (--broken-outbox) the wrong refund. */
export type PaymentSide = { fakes: ProviderFakes; notifier: Notifier; broken?: BrokenOutbox };

export type WorkloadOptions = {
  ops: number;
  workers: number;
  /** No operation starts after this (Infinity: no time limit). */
  deadline: number;
  /** True once enough has been done (the run's request count): no new operation starts. */
  enough: () => boolean;
  onProgress: (done: number) => void;
};

export class Workload {
  /** Every customer: the POS knows them all by name. */
  private readonly customers: Customer[];
  /** The customers signed in over HTTP, who also order in the browser, leave and withdraw. */
  private signedIn: Customer[] = [];
  private operatorCookie = "";
  private readonly merchantCookies = new Map<number, string>();
  /** Acknowledged, not yet decided withdrawals an operator may review. */
  private readonly pendingWithdrawals: number[] = [];
  done = 0;
  /** The operations running now, by their index in the plan: their kind and when they started. */
  private readonly running = new Map<number, { kind: OpKind; since: number }>();
  /** After this, in-flight operations finish but nothing is retried or started. */
  private deadline = Infinity;

  constructor(
    private readonly instances: AppInstance[],
    private readonly seeded: Seeded,
    private readonly actions: Actions,
    private readonly db: pg.Pool,
    private readonly log: RunLog,
    readonly seed: number,
    private readonly pay: PaymentSide,
  ) {
    this.customers = seeded.customers.map((c) => ({ ...c }));
  }

  private action(name: string): { id: string; url: string } {
    const a = this.actions.get(name);
    if (!a) throw new Error(`the build has no server action ${name}`);
    return a;
  }

  private other(i: AppInstance): AppInstance {
    return this.instances[0] === i ? this.instances[1]! : this.instances[0]!;
  }

  /**
   * Sends one request, and again with the same key on the other instance while the answer cannot be
   * trusted (up to `tries` in all, backing off as a client would). Every attempt is counted.
   */
  private async withRetries(kind: string, first: AppInstance, tries: number, send: (i: AppInstance, attempt: number) => Promise<Outcome>): Promise<Outcome> {
    let inst = first;
    let out: Outcome = { kind: "lost", status: 0, message: "not sent" };
    for (let attempt = 0; attempt < tries; attempt++) {
      out = await send(inst, attempt);
      this.log.count(attempt === 0 ? kind : `${kind} (retry)`, out);
      if (!retryable(out) || Date.now() > this.deadline) return out;
      inst = this.other(inst);
      await sleep(400 + attempt * 800);
    }
    return out;
  }

  /**
   * Signs the operator, the merchants of a few stores and `customers` customers in over HTTP, once
   * (each login is an argon2 check on the server: a few dozen is enough to spread the load).
   */
  async login(rng: Rng, merchantStores: SeededStore[], customers: number): Promise<number> {
    const login = this.action("login");
    const signIn = async (identifier: string, inst: AppInstance): Promise<string> => {
      const out = await this.withRetries("login", inst, 5, (i) =>
        callAction({ base: i.base, id: login.id, url: "/login", form: { identifier, password: PASSWORD } }),
      );
      const cookies = "cookies" in out ? (out.cookies as string[] | undefined) : undefined;
      const cookie = cookieHeader(cookies ?? []);
      if (out.kind !== "ack" || !cookie.includes("authjs.session-token")) {
        throw new Error(`login of ${identifier} failed: ${out.kind} ${"message" in out ? out.message : ""}`);
      }
      return cookie;
    };
    this.operatorCookie = await signIn(this.seeded.operator.username, this.instances[0]!);
    for (const s of merchantStores) this.merchantCookies.set(s.merchantId, await signIn(s.ownerUsername, rng.pick(this.instances)));
    this.signedIn = this.customers.slice(0, customers);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < this.signedIn.length) {
          const c = this.signedIn[next++]!;
          c.cookie = await signIn(c.username, this.instances[next % 2]!);
        }
      }),
    );
    return this.signedIn.length;
  }

  /** The daily points release, so customers can redeem points at checkout. */
  async releasePoints(): Promise<Outcome> {
    return this.withRetries("points release", this.instances[0]!, 5, (i) => callRoute(i.base, "POST", "/api/cron/release", { headers: CRON }));
  }

  /** Runs the plan: `ops` operations drawn from the seed, by `workers` workers, until done, enough, or the deadline. */
  async run(opts: WorkloadOptions): Promise<void> {
    this.deadline = opts.deadline;
    const plan = new Rng(this.seed);
    const kinds = Array.from({ length: opts.ops }, () => plan.weighted(OP_WEIGHTS));
    let next = 0;
    await Promise.all(
      Array.from({ length: opts.workers }, async () => {
        while (next < kinds.length && !opts.enough() && Date.now() < opts.deadline) {
          const index = next++;
          // Each operation draws from its own stream, so its choices do not depend on timing.
          const rng = new Rng((this.seed * 1_000_003 + index * 7919) >>> 0);
          this.running.set(index, { kind: kinds[index]!, since: Date.now() });
          try {
            await this.op(kinds[index]!, rng);
          } catch (e) {
            this.log.violation("workload errors (the chaos client itself)", `${kinds[index]}: ${(e as Error).stack ?? e}`);
          } finally {
            this.running.delete(index);
          }
          this.done += 1;
          opts.onProgress(this.done);
        }
      }),
    );
  }

  /** What is still running, e.g. "webOrder #4711 for 130 s", for a run that gives up waiting on it. */
  inFlight(now = Date.now()): string[] {
    return [...this.running].map(([i, r]) => `${r.kind} #${i} for ${Math.round((now - r.since) / 1000)} s`);
  }

  private async op(kind: OpKind, rng: Rng): Promise<void> {
    const inst = rng.pick(this.instances);
    switch (kind) {
      case "posHot":
        return this.posOrder(rng, inst, this.seeded.hot);
      case "posStore":
        return this.posOrder(rng, inst, rng.pick(this.seeded.stores.filter((s) => s.kind === "normal")));
      case "webOrder":
        return this.webOrder(rng, inst);
      case "drainHot":
        return this.drain("drain", inst, this.seeded.hot.queueId);
      case "drainRace": {
        // Drains of the hot queue on both instances at once: only the queue lock keeps them apart.
        const n = rng.int(2, 4);
        await Promise.all(Array.from({ length: n }, (_, k) => this.drain("drain (race)", this.instances[k % 2]!, this.seeded.hot.queueId)));
        return;
      }
      case "drainStore":
        return this.drain("drain", inst, rng.pick(this.seeded.stores.filter((s) => s.kind === "normal")).queueId);
      case "sweep": {
        const out = await callRoute(inst.base, "POST", "/api/cron/sweep", { headers: CRON });
        this.log.count("sweep", out);
        if (out.kind === "refused") this.log.violation("drains or sweeps refused", `sweep: ${out.status} ${out.message}`);
        return;
      }
      case "leave":
        return this.leave(rng, inst);
      case "refund":
        return this.refund(rng, inst);
      case "withdraw":
        return this.withdraw(rng, inst);
      case "review":
        return this.review(rng, inst);
      case "read":
        return this.read(rng, inst);
    }
  }

  private async drain(kind: string, inst: AppInstance, queueId: number): Promise<void> {
    const out = await callRoute(inst.base, "POST", `/api/queues/${queueId}/drain`, { headers: CRON });
    this.log.count(kind, out);
    if (out.kind === "ack") this.log.drainPaidAck += Number(out.body.paid ?? 0);
    // A drain of an existing queue with the cron secret has no reason to say no.
    if (out.kind === "refused") this.log.violation("drains or sweeps refused", `${kind} of queue ${queueId}: ${out.status} ${out.message}`);
  }

  private async posOrder(rng: Rng, inst: AppInstance, store: SeededStore): Promise<void> {
    const customer = rng.pick(this.customers);
    const key = rng.key("pos");
    const body = { customer: customer.username, amount_fen: rng.int(500, 30_000) };
    const send = (i: AppInstance) =>
      callRoute(i.base, "POST", "/api/v1/orders", { headers: { authorization: `Bearer ${store.apiKey}`, "idempotency-key": key }, json: body });
    const kind = store.kind === "hot" ? "POS order (hot store)" : "POS order";
    const out = await this.withRetries(kind, inst, 4, send);
    if (out.kind !== "ack") return;
    const orderNo = String(out.body.order_no);
    const entries = (out.body.entries as { id: number }[] | undefined) ?? [];
    const first = this.log.pos.get(`${store.merchantId}/${key}`);
    if (!first) {
      this.log.pos.set(`${store.merchantId}/${key}`, { merchantId: store.merchantId, key, orderNo, customerId: customer.userId, entryIds: entries.map((e) => e.id) });
    }
    // A duplicate of the same request, sometimes on the other instance: the first answer, again.
    if (rng.chance(0.25)) {
      const again = await send(rng.chance(0.6) ? this.other(inst) : inst);
      this.log.count("POS order duplicate", again);
      if (again.kind === "ack" && (again.body.order_no !== orderNo || again.headers.get("idempotent-replayed") !== "true")) {
        this.log.violation("idempotency broken", `POS key ${key}: first ${orderNo}, duplicate ${String(again.body.order_no)} replayed=${again.headers.get("idempotent-replayed")}`);
      }
    }
  }

  private async webOrder(rng: Rng, inst: AppInstance): Promise<void> {
    const customer = rng.pick(this.signedIn);
    const store = rng.chance(0.4) ? this.seeded.hot : rng.pick(this.seeded.stores.filter((s) => s.kind === "normal"));
    const amountFen = rng.int(1_000, 20_000);
    const points = rng.chance(0.4) ? rng.int(1, 300) : 0;
    const key = rng.key("web");
    const create = this.action("createOrderAction");
    const form = { slug: store.slug, amount: (amountFen / 100).toFixed(2), points: points ? String(points) : "", idempotencyKey: key };
    const send = (i: AppInstance) => callAction({ base: i.base, id: create.id, url: `/s/${store.slug}`, cookie: customer.cookie, form });
    const made = await this.withRetries(points ? "web order with points (create)" : "web order (create)", inst, 4, send);
    if (made.kind !== "ack" || typeof made.body.orderNo !== "string") return;
    const orderNo = made.body.orderNo;
    const ack: WebAck = { customerId: customer.userId, key, orderNo, cashFen: amountFen - points, pointsUsed: points, paid: false };
    if (!this.log.web.has(orderNo)) this.log.web.set(orderNo, ack);

    // A double submit of the form, sometimes on the other instance: the same order.
    if (rng.chance(0.1)) {
      const again = await send(rng.chance(0.6) ? this.other(inst) : inst);
      this.log.count("web order (double submit)", again);
      if (again.kind === "ack" && again.body.orderNo !== orderNo) {
        this.log.violation("idempotency broken", `web key ${key}: first ${orderNo}, again ${String(again.body.orderNo)}`);
      }
    }
    if (made.body.next !== `/pay/${orderNo}`) return; // nothing to pay in cash

    // The pay page: the customer picks a provider and goes to its page (WeChat H5, Alipay wap pay).
    const provider: RealProvider = rng.chance(0.5) ? "wechat" : "alipay";
    const start = this.action("startPaymentAction");
    const started = await this.withRetries(`${provider} pay (start)`, rng.pick(this.instances), 4, (i) =>
      callAction({ base: i.base, id: start.id, url: `/pay/${orderNo}`, cookie: customer.cookie, form: { orderNo, provider }, headers: { "user-agent": PHONE_UA } }),
    );
    if (started.kind !== "ack" || typeof started.body.redirectTo !== "string") return;
    // Some customers never pay: the order expires.
    if (rng.chance(0.08)) return;
    const taken = this.pay.fakes.customerPays(provider, started.body.redirectTo);
    if (taken !== orderNo) return;
    // The provider has the money now: whatever happens to its notifications, the order must end
    // up paid exactly once (the checks hold the app to it).
    ack.paid = true;
    this.pay.notifier.paid(provider, orderNo);
    // Half come back from the provider's page: the pay page asks the provider (syncPayment).
    if (rng.chance(0.5)) {
      await sleep(rng.int(0, 1_500));
      const back = await visitPage(rng.pick(this.instances).base, `/pay/${orderNo}`, customer.cookie);
      this.log.count(`${provider} pay (return to the pay page)`, back);
    }
  }

  private async pick<T>(sql: string, params: unknown[], rng: Rng): Promise<T | undefined> {
    try {
      const res = await this.db.query(sql, params);
      return res.rows.length === 0 ? undefined : (rng.pick(res.rows) as T);
    } catch {
      return undefined; // the database is down or restarting: the client has nothing to act on
    }
  }

  private async leave(rng: Rng, inst: AppInstance): Promise<void> {
    const customer = rng.pick(this.signedIn);
    const row = await this.pick<{ id: string }>(
      "select id from queue_entries where customer_id = $1 and status = 'waiting' order by id desc limit 20",
      [customer.userId],
      rng,
    );
    if (!row) return;
    const entryId = String(row.id);
    const quote = this.action("quoteExitAction");
    const q = await callAction({ base: inst.base, id: quote.id, url: "/me", cookie: customer.cookie, form: { entryId } });
    this.log.count("leave (quote)", q);
    if (q.kind !== "ack") return;
    const expectedPoints = String((q.body.quote as { points: number }).points);
    const leave = this.action("leaveQueueAction");
    const out = await this.withRetries("leave (confirm)", rng.chance(0.5) ? inst : this.other(inst), 3, (i) =>
      callAction({ base: i.base, id: leave.id, url: "/me", cookie: customer.cookie, form: { entryId, expectedPoints } }),
    );
    if (out.kind === "ack" && out.body.outcome === "left") {
      this.log.leaves.push({ entryId: Number(entryId), customerId: customer.userId, points: Number(out.body.points) });
    }
  }

  private async refund(rng: Rng, inst: AppInstance): Promise<void> {
    const byMerchant = rng.chance(0.6);
    const merchantIds = [...this.merchantCookies.keys()];
    const merchantId = byMerchant ? rng.pick(merchantIds) : undefined;
    // Most refunds are of orders paid through WeChat Pay or Alipay: their money goes back through the provider.
    const throughProvider = rng.chance(0.7);
    const row = await this.pick<{ id: string; order_no: string; provider: string }>(
      `select id, order_no, provider from orders where status = 'paid' and ($1::bigint is null or merchant_id = $1)
         and (not $2::boolean or provider in ('wechat', 'alipay'))
       order by id desc limit 30`,
      [merchantId ?? null, throughProvider],
      rng,
    );
    if (!row) return;
    const reason = "混沌测试退款";
    if (this.pay.broken && (row.provider === "wechat" || row.provider === "alipay")) {
      // --broken-outbox: the wrong refund, composed in this process (broken-outbox.ts).
      const out = await this.pay.broken.refund(Number(row.id), { userId: this.seeded.operator.userId, role: "operator" }, reason);
      this.log.count("refund (broken outbox)", out);
      if (out.kind === "ack") this.log.refunds.push({ orderNo: row.order_no, by: "operator" });
      return;
    }
    const name = byMerchant ? "merchantRefundAction" : "operatorRefundAction";
    const a = this.action(name);
    const cookie = byMerchant ? this.merchantCookies.get(merchantId!) : this.operatorCookie;
    const form: Record<string, string> = { orderId: String(row.id), reason };
    const out = await this.withRetries(byMerchant ? "refund (merchant)" : "refund (operator)", inst, 3, (i) =>
      callAction({ base: i.base, id: a.id, url: byMerchant ? "/merchant/orders" : "/operator/orders", cookie, form }),
    );
    if (out.kind === "ack") this.log.refunds.push({ orderNo: row.order_no, by: byMerchant ? "merchant" : "operator" });
  }

  private async withdraw(rng: Rng, inst: AppInstance): Promise<void> {
    const customer = rng.pick(this.signedIn);
    // A withdrawal goes to a bound account: each customer binds an Alipay one before their first.
    if (customer.payoutAccountId === undefined) {
      const bind = this.action("bindAlipayAction");
      const bound = await this.withRetries("bind payout account", inst, 3, (i) =>
        callAction({ base: i.base, id: bind.id, url: "/me/wallet", cookie: customer.cookie, form: { realName: "混沌测试", alipayAccount: `139${String(customer.userId).padStart(8, "0").slice(-8)}` } }),
      );
      if (bound.kind !== "ack") return;
      customer.payoutAccountId = Number(bound.body.payoutAccountId);
    }
    const a = this.action("requestWithdrawalAction");
    const amountFen = rng.int(1_000, 3_000);
    // Not retried: a withdrawal request carries no idempotency key, so a client cannot safely repeat it.
    const out = await callAction({
      base: inst.base,
      id: a.id,
      url: "/me/wallet",
      cookie: customer.cookie,
      form: { amount: (amountFen / 100).toFixed(2), payoutAccountId: String(customer.payoutAccountId), password: PASSWORD },
    });
    this.log.count("withdrawal request", out);
    if (out.kind !== "ack") return;
    const id = Number(out.body.withdrawalId);
    this.log.withdrawals.set(id, { id, userId: customer.userId, amountFen: Number(out.body.amountFen) });
    this.pendingWithdrawals.push(id);
  }

  private async review(rng: Rng, inst: AppInstance): Promise<void> {
    if (this.pendingWithdrawals.length === 0) return;
    const id = this.pendingWithdrawals.splice(rng.int(0, this.pendingWithdrawals.length - 1), 1)[0]!;
    const approve = rng.chance(0.7);
    const a = this.action(approve ? "approveWithdrawalAction" : "rejectWithdrawalAction");
    const form: Record<string, string> = approve ? { withdrawalId: String(id) } : { withdrawalId: String(id), reason: "混沌测试驳回" };
    const out = await this.withRetries(approve ? "withdrawal approve" : "withdrawal reject", inst, 3, (i) =>
      callAction({ base: i.base, id: a.id, url: "/operator/withdrawals", cookie: this.operatorCookie, form }),
    );
    const w = this.log.withdrawals.get(id);
    if (out.kind === "ack" && w) w.decision = approve ? "approved" : "rejected";
  }

  private async read(rng: Rng, inst: AppInstance): Promise<void> {
    const store = rng.chance(0.5) ? this.seeded.hot : rng.pick(this.seeded.stores);
    const out = await callRoute(inst.base, "GET", "/api/v1/queue", { headers: { authorization: `Bearer ${store.apiKey}` } });
    this.log.count("POS queue read", out);
  }
}
