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

/**
 * One haproxy process of the topology, its configuration written into the topology's folder: the
 * web balancer (Haproxy below) or the Postgres router (pg-router.ts). Runs in the foreground (-db),
 * logging to its log file; commands go to its runtime socket.
 */
export class HaproxyProcess {
  private child: ChildProcess | undefined;
  readonly logFile: string;
  readonly socket: string;

  constructor(
    readonly name: string,
    protected readonly home: string,
  ) {
    this.logFile = path.join(home, `${name}.log`);
    this.socket = path.join(home, `${name}.sock`);
  }

  /** Writes `cfg` as <name>.cfg and starts haproxy on it; resolves once its runtime socket answers. */
  protected async launch(cfg: string): Promise<void> {
    const file = path.join(this.home, `${this.name}.cfg`);
    fs.writeFileSync(file, cfg);
    const log = fs.openSync(this.logFile, "a");
    this.child = spawn("haproxy", ["-db", "-f", file], { stdio: ["ignore", log, log], detached: true });
    fs.closeSync(log);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited: ${fs.readFileSync(this.logFile, "utf8").slice(-1500)}`);
      if (await this.command("show info").then(() => true, () => false)) return;
      if (Date.now() > deadline) throw new Error(`${this.name} did not open its runtime socket within 10 s`);
      await sleep(100);
    }
  }

  /** One command on the runtime API (the admin socket); resolves to its answer. */
  command(cmd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = net.connect(this.socket);
      let out = "";
      s.on("connect", () => s.end(`${cmd}\n`));
      s.on("data", (b) => (out += b.toString()));
      s.on("end", () => resolve(out));
      s.on("error", reject);
    });
  }

  /** The servers of `backend`: operational state as the health checks see it (UP, DOWN, MAINT…), sessions now. */
  async servers(backend: string): Promise<Map<string, { status: string; sessions: number }>> {
    const csv = await this.command("show stat");
    const lines = csv.split("\n").filter((l) => l && !l.startsWith("#"));
    const out = new Map<string, { status: string; sessions: number }>();
    for (const l of lines) {
      const f = l.split(",");
      if (f[0] === backend && f[1] !== "BACKEND") out.set(f[1]!, { status: f[17]!, sessions: Number(f[4]) });
    }
    return out;
  }

  /** Waits until the named servers of `backend` are UP; answers how long that took. */
  async waitUp(backend: string, names: string[], ms = 60_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const s = await this.servers(backend);
      if (names.every((n) => s.get(n)?.status === "UP")) return Date.now() - t0;
      if (Date.now() - t0 > ms) throw new Error(`${this.name}: ${names.join(", ")} not UP after ${ms / 1000} s: ${JSON.stringify([...s])}`);
      await sleep(Math.min(200, ms / 20));
    }
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

/** The web balancer in front of the app instances. */
export class Haproxy extends HaproxyProcess {
  readonly base: string;

  constructor(
    readonly port: number,
    home: string,
    private readonly backends: Backend[],
  ) {
    super("haproxy", home);
    this.base = `http://localhost:${port}`;
  }

  async start(): Promise<void> {
    const errorfile = path.join(this.home, "503.http");
    fs.writeFileSync(errorfile, UNAVAILABLE_HTTP);
    await this.launch(haproxyCfg({ socket: this.socket, bind: `127.0.0.1:${this.port}`, errorfile, backends: this.backends }));
  }

  /** `ready`, `drain` (no new traffic, connections in flight finish) or `maint`. */
  async setState(server: string, state: "ready" | "drain" | "maint"): Promise<void> {
    const out = await this.command(`set server app/${server} state ${state}`);
    if (out.trim() !== "") throw new Error(`haproxy: set server ${server} state ${state}: ${out.trim()}`);
  }

  /** Each app server's state as the health checks see it, and its sessions. */
  appServers(): Promise<Map<string, { status: string; sessions: number }>> {
    return this.servers("app");
  }

  /** Waits until the named app servers are UP (ready and passing their checks). */
  async waitAppsUp(names: string[], ms = 60_000): Promise<void> {
    await this.waitUp("app", names, ms);
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
}
