// haproxy (Debian's package) in front of the app instances: round robin, a server is sent traffic
// only while its readiness endpoint answers 200, and a request that could not reach a server is
// sent to another. Its own 503 (no server ready) carries Retry-After like the app's. Every answer
// is logged with its status and Retry-After header, so a run can check every 5xx the clients got.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Backend = { name: string; host: string; port: number };

export type HaproxySite = { socket: string; bind: string; errorfile: string; backends: Backend[] };

/** Seconds haproxy's own 503 asks a client to wait, as the app's (db/errors.ts RETRY_AFTER_SECONDS). */
const RETRY_AFTER = 5;

/**
 * The haproxy.cfg. Health: GET /api/health/ready every second; 2 failures take a server out, 2
 * successes bring it back. An instance told to stop (SIGTERM) answers 503 there at once, and
 * `drain` on the runtime socket stops new traffic to it before the signal.
 */
export function haproxyCfg(o: HaproxySite): string {
  return `global
  stats socket ${o.socket} mode 600 level admin
  log stdout format raw local0
  maxconn 2000

defaults
  mode http
  log global
  log-format "%ST %[var(txn.retry_after)] %HM %HU %s %Tt"
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  # A request that could not be handed to a server (refused, the instance stopping) is retried on
  # another one; nothing is re-sent once a server has it.
  retries 3
  option redispatch 1
  errorfile 503 ${o.errorfile}

frontend web
  bind ${o.bind}
  # Every answer's Retry-After into the log, haproxy's own 503 included (which "capture" misses).
  http-after-response set-var(txn.retry_after) res.hdr(retry-after)
  default_backend app

backend app
  balance roundrobin
  option httpchk
  http-check send meth GET uri /api/health/ready ver HTTP/1.1 hdr Host localhost
  http-check expect status 200
  # A loaded machine can take over a second to answer; a slow answer is not a dead instance.
  timeout check 3s
  default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2
${o.backends.map((b) => `  server ${b.name} ${b.host}:${b.port} check`).join("\n")}
`;
}

/** haproxy's answer when no instance is ready: the app's own words for "retry later". */
export const UNAVAILABLE_HTTP = `HTTP/1.1 503 Service Unavailable\r
content-type: application/json\r
retry-after: ${RETRY_AFTER}\r
cache-control: no-store\r
connection: close\r
\r
{"error":"unavailable","message":"service temporarily unavailable, please retry"}
`;

export class Haproxy {
  private child: ChildProcess | undefined;
  readonly logFile: string;
  readonly base: string;

  constructor(
    readonly port: number,
    private readonly home: string,
    private readonly backends: Backend[],
  ) {
    this.logFile = path.join(home, "haproxy.log");
    this.base = `http://localhost:${port}`;
  }

  async start(): Promise<void> {
    const cfg = path.join(this.home, "haproxy.cfg");
    const errorfile = path.join(this.home, "503.http");
    const site = { socket: path.join(this.home, "haproxy.sock"), bind: `127.0.0.1:${this.port}`, errorfile, backends: this.backends };
    fs.writeFileSync(cfg, haproxyCfg(site));
    fs.writeFileSync(errorfile, UNAVAILABLE_HTTP);
    const log = fs.openSync(this.logFile, "a");
    // -db: in the foreground, logging to stdout (the log file).
    this.child = spawn("haproxy", ["-db", "-f", cfg], { stdio: ["ignore", log, log], detached: true });
    fs.closeSync(log);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`haproxy exited: ${fs.readFileSync(this.logFile, "utf8").slice(-1500)}`);
      if (await this.command("show info").then(() => true, () => false)) return;
      if (Date.now() > deadline) throw new Error("haproxy did not open its runtime socket within 10 s");
      await sleep(100);
    }
  }

  /** One command on the runtime API (the admin socket); resolves to its answer. */
  command(cmd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path.join(this.home, "haproxy.sock"));
      let out = "";
      s.on("connect", () => s.end(`${cmd}\n`));
      s.on("data", (b) => (out += b.toString()));
      s.on("end", () => resolve(out));
      s.on("error", reject);
    });
  }

  /** `ready`, `drain` (no new traffic, connections in flight finish) or `maint`. */
  async setState(server: string, state: "ready" | "drain" | "maint"): Promise<void> {
    const out = await this.command(`set server app/${server} state ${state}`);
    if (out.trim() !== "") throw new Error(`haproxy: set server ${server} state ${state}: ${out.trim()}`);
  }

  /** Each server's operational state as the health checks see it (UP, DOWN, …) and its admin state. */
  async servers(): Promise<Map<string, { status: string; sessions: number }>> {
    const csv = await this.command("show stat");
    const lines = csv.split("\n").filter((l) => l && !l.startsWith("#"));
    const out = new Map<string, { status: string; sessions: number }>();
    for (const l of lines) {
      const f = l.split(",");
      if (f[0] === "app" && f[1] !== "BACKEND") out.set(f[1]!, { status: f[17]!, sessions: Number(f[4]) });
    }
    return out;
  }

  /** Waits until the named servers are UP (ready and passing their checks). */
  async waitUp(names: string[], ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const s = await this.servers();
      if (names.every((n) => s.get(n)?.status === "UP")) return;
      if (Date.now() > deadline) throw new Error(`haproxy: ${names.join(", ")} not UP after ${ms / 1000} s: ${JSON.stringify([...s])}`);
      await sleep(200);
    }
  }

  /**
   * What the clients got, from haproxy's log: answers by status, and every 5xx that is not a 503
   * with Retry-After (an example of each, up to 8).
   */
  answers(): { byStatus: Record<string, number>; bad: number; examples: string[] } {
    const byStatus: Record<string, number> = {};
    const examples: string[] = [];
    let bad = 0;
    for (const line of fs.readFileSync(this.logFile, "utf8").split("\n")) {
      const m = /^(-?\d+) (\S*) (\S+) (\S+) (\S+) (-?\d+)$/.exec(line.trim());
      if (!m) continue;
      const status = m[1]!;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const code = Number(status);
      const retryAfter = m[2]!;
      if (code >= 500 && (code !== 503 || retryAfter === "" || retryAfter === "-")) {
        bad += 1;
        if (examples.length < 8) examples.push(line.trim());
      }
    }
    return { byStatus, bad, examples };
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGTERM");
    await Promise.race([exited, sleep(5_000)]);
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
}
