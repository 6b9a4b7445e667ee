// An HTTP proxy in front of a fake provider (lib/payments/*/fake-server.ts) that breaks some calls
// on purpose, so the app's real SDK code (wechatpay-axios-plugin, alipay-sdk) meets the failures a
// real provider gives: a 5xx before anything happened, no answer before anything happened, and the
// worst one for money out, no answer AFTER the provider did the work (the refund was made, the
// caller never hears of it). Which calls are affected is decided per call from its class (refund,
// transfer, payment), so a new class of call plugs in by naming its paths.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Rng } from "./rng";

/** What the proxy does to one call. */
export type ProxyFault = "none" | "5xx" | "timeout" | "lost-answer";

/** Kinds of call the faults are aimed at. */
export type CallClass = "refund" | "refund-query" | "transfer" | "transfer-query" | "payment";

/** The chance of each fault for one class of call (the rest pass untouched). */
export type FaultRates = { "5xx": number; timeout: number; "lost-answer": number };

export type ProxyFigures = Record<CallClass, { calls: number } & Record<Exclude<ProxyFault, "none">, number>>;

const NO_FAULTS: FaultRates = { "5xx": 0, timeout: 0, "lost-answer": 0 };

/** How long a "timeout" holds the connection: longer than the app's provider timeout, then dropped. */
const HOLD_MS = 8_000;

export class FaultProxy {
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly target: URL;
  private enabled = true;
  readonly figures: ProxyFigures;
  url = "";

  /**
   * @param targetUrl the fake's address (its API root, or Alipay's …/gateway.do)
   * @param classify which class a call belongs to, from its method, path and body
   * @param rates the faults per class; classes left out pass untouched
   */
  constructor(
    targetUrl: string,
    private readonly classify: (method: string, url: URL, body: string) => CallClass,
    private readonly rates: Partial<Record<CallClass, FaultRates>>,
    private readonly rng: Rng,
  ) {
    this.target = new URL(targetUrl);
    const zero = () => ({ calls: 0, "5xx": 0, timeout: 0, "lost-answer": 0 });
    this.figures = { refund: zero(), "refund-query": zero(), transfer: zero(), "transfer-query": zero(), payment: zero() };
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  /** Listens on a free port; `url` is then the proxy's address with the target's path. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const u = new URL(this.target);
    u.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.url = u.toString();
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Faults on or off (off while the run settles, as a provider's outage ends). */
  setEnabled(on: boolean): void {
    this.enabled = on;
  }

  private draw(cls: CallClass): ProxyFault {
    const r = (this.enabled ? this.rates[cls] : undefined) ?? NO_FAULTS;
    const x = this.rng.next();
    if (x < r["5xx"]) return "5xx";
    if (x < r["5xx"] + r.timeout) return "timeout";
    if (x < r["5xx"] + r.timeout + r["lost-answer"]) return "lost-answer";
    return "none";
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://proxy");
    const cls = this.classify(method, url, body.toString("utf8"));
    const fault = this.draw(cls);
    this.figures[cls].calls += 1;
    if (fault !== "none") this.figures[cls][fault] += 1;

    if (fault === "5xx") {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ code: "SYSTEM_ERROR", message: "injected by the chaos run" }));
      return;
    }
    if (fault === "timeout") {
      // Nothing reaches the provider; the caller's own timeout ends the call.
      setTimeout(() => req.socket.destroy(), HOLD_MS).unref();
      return;
    }
    const answer = await this.forward(method, url, req.headers, body);
    if (fault === "lost-answer" || answer === null) {
      // The provider did the work; its answer never arrives.
      setTimeout(() => req.socket.destroy(), HOLD_MS).unref();
      return;
    }
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  private forward(method: string, url: URL, headers: http.IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer } | null> {
    return new Promise((resolve) => {
      const out = http.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method,
          path: `${url.pathname}${url.search}`,
          headers: { ...headers, host: this.target.host },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on("data", (c: Buffer) => parts.push(c));
          res.on("end", () => {
            const h: http.OutgoingHttpHeaders = { ...res.headers };
            delete h["transfer-encoding"];
            delete h.connection;
            resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(parts) });
          });
          res.on("error", () => resolve(null));
        },
      );
      out.on("error", () => resolve(null));
      out.end(body);
    });
  }
}

/** WeChat Pay API v3 calls by path. */
export function classifyWechat(method: string, url: URL): CallClass {
  const p = url.pathname;
  if (p === "/v3/refund/domestic/refunds" && method === "POST") return "refund";
  if (p.startsWith("/v3/refund/domestic/refunds/")) return "refund-query";
  if (p === "/v3/fund-app/mch-transfer/transfer-bills" && method === "POST") return "transfer";
  if (p.startsWith("/v3/fund-app/mch-transfer/transfer-bills/")) return "transfer-query";
  return "payment";
}

/** Alipay gateway calls by their `method` parameter (in the query string or the form body). */
export function classifyAlipay(_method: string, url: URL, body: string): CallClass {
  const m = url.searchParams.get("method") ?? new URLSearchParams(body).get("method") ?? "";
  if (m === "alipay.trade.refund") return "refund";
  if (m === "alipay.trade.fastpay.refund.query") return "refund-query";
  if (m === "alipay.fund.trans.uni.transfer") return "transfer";
  if (m === "alipay.fund.trans.common.query") return "transfer-query";
  return "payment";
}
