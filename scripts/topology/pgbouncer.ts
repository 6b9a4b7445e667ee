// pgbouncer (Debian's package) between the app and the primary. Two databases point at the same
// Postgres database:
//
// - `freeline`, transaction pooling: the app instances' pools (DATABASE_URL). A server connection
//   serves a client for one transaction, so a few dozen serve every instance.
// - `freeline_session`, session pooling: DATABASE_DIRECT_URL, for what a transaction pooler breaks:
//   the job runner's LISTEN and named prepared statements, the migrator's session advisory lock.
//
// Both reach Postgres through the pg-router (pg-router.ts), which sends connections to whichever
// node takes writes: after a promotion pgbouncer's new server connections land on the new primary,
// with nothing to re-point.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { chown, postgresOwner } from "@/lib/testing/throwaway-postgres";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const POOLED_DB = "freeline";
export const SESSION_DB = "freeline_session";
const ADMIN_USER = "pgbouncer";

export type BouncerUsers = { app: { user: string; password: string }; adminPassword: string };

/**
 * The pgbouncer.ini. What it settles, besides the pools:
 * - The app's pg driver sends its session limits (statement_timeout, lock_timeout,
 *   idle_in_transaction_session_timeout) as start-up parameters; pgbouncer refuses unknown ones,
 *   and could not keep one client's settings on a server connection another client gets next. So
 *   it ignores them, and the same limits are the app role's defaults in Postgres (topology/index.ts),
 *   where every server connection picks them up.
 * - Failing fast while the primary is gone: a query waits at most 5 s for a server connection
 *   (query_wait_timeout), then gets an error the app answers with 503; a failed server login is
 *   retried after 1 s, not 15.
 */
export type BouncerSite = {
  listenAddr: string;
  port: number;
  dbHost: string;
  dbPort: number;
  authFile: string;
  /** Where its unix socket and pid file go; empty: none (a container). */
  runDir: string;
};

export function bouncerIni(o: BouncerSite): string {
  const db = `host=${o.dbHost} port=${o.dbPort} dbname=freeline`;
  return `[databases]
${POOLED_DB} = ${db}
${SESSION_DB} = ${db} pool_mode=session

[pgbouncer]
listen_addr = ${o.listenAddr}
listen_port = ${o.port}
unix_socket_dir = ${o.runDir}
pidfile = ${o.runDir ? path.join(o.runDir, "pgbouncer.pid") : ""}
auth_type = scram-sha-256
auth_file = ${o.authFile}
admin_users = ${ADMIN_USER}
pool_mode = transaction
default_pool_size = 40
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits,statement_timeout,lock_timeout,idle_in_transaction_session_timeout
server_login_retry = 1
server_connect_timeout = 3
query_wait_timeout = 5
server_check_delay = 5
`;
}

export class Bouncer {
  private child: ChildProcess | undefined;
  private readonly ini: string;
  readonly logFile: string;

  constructor(
    readonly port: number,
    private readonly home: string,
    private readonly users: BouncerUsers,
    private readonly dbPort: number,
  ) {
    this.ini = path.join(home, "pgbouncer.ini");
    this.logFile = path.join(home, "pgbouncer.log");
  }

  /** A client URL of one of its databases. */
  url(database: typeof POOLED_DB | typeof SESSION_DB): string {
    const { user, password } = this.users.app;
    return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${database}`;
  }

  private write(): void {
    const site = { listenAddr: "127.0.0.1", port: this.port, dbHost: "127.0.0.1", dbPort: this.dbPort, authFile: path.join(this.home, "userlist.txt"), runDir: this.home };
    fs.writeFileSync(this.ini, bouncerIni(site));
    const line = (u: string, p: string) => `"${u}" "${p.replace(/"/g, '""')}"`;
    fs.writeFileSync(path.join(this.home, "userlist.txt"), `${line(this.users.app.user, this.users.app.password)}\n${line(ADMIN_USER, this.users.adminPassword)}\n`, { mode: 0o600 });
    chown(this.ini);
    chown(path.join(this.home, "userlist.txt"));
  }

  /** Starts pgbouncer (as the postgres user: it refuses to run as root); resolves once it answers. */
  async start(): Promise<void> {
    this.write();
    const log = fs.openSync(this.logFile, "a");
    chown(this.logFile);
    this.child = spawn("pgbouncer", [this.ini], { ...postgresOwner(), stdio: ["ignore", log, log], detached: true });
    fs.closeSync(log);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`pgbouncer exited: ${fs.readFileSync(this.logFile, "utf8").slice(-1500)}`);
      try {
        await this.admin("show version");
        return;
      } catch {
        if (Date.now() > deadline) throw new Error("pgbouncer did not answer within 20 s");
        await sleep(100);
      }
    }
  }

  /** A command on pgbouncer's admin console (simple protocol, as it requires). */
  async admin(command: string): Promise<pg.QueryResultRow[]> {
    const c = new pg.Client({ connectionString: `postgres://${ADMIN_USER}:${encodeURIComponent(this.users.adminPassword)}@127.0.0.1:${this.port}/pgbouncer`, connectionTimeoutMillis: 2_000 });
    c.on("error", () => {});
    try {
      await c.connect();
      return (await c.query(command)).rows;
    } finally {
      await c.end().catch(() => {});
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGINT");
    await Promise.race([exited, sleep(5_000)]);
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
}
