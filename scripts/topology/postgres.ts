// The topology's database: a Postgres 15 primary and a streaming standby from Debian's packages
// (/usr/lib/postgresql/15/bin), each with its own data folder and port under the topology's folder.
// The machine's own cluster (5432) is never touched. Synchronous commit: once the standby has
// caught up, the primary acknowledges a commit only when the standby has flushed it, so a commit
// the app saw succeed survives the primary's death and the standby's promotion.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { chown, initdb, PG_ENV, postgresOwner, waitUntilAccepting } from "@/lib/testing/throwaway-postgres";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Debian's Postgres 15 binaries (`apt-get install postgresql-15`). */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

export type Role = "primary" | "standby";

/**
 * Every node's settings, but its name, address and socket (postgresql.conf). WAL is archived into
 * `archive` (the topology's wal-archive/, shared: after a failover the new primary goes on
 * archiving there, on its new timeline); a standby archives nothing (archive_mode = on, not always).
 */
const serverSettings = (archive: string) => [
  "archive_mode = on",
  `archive_command = 'test ! -f ${archive}/%f && cp %p ${archive}/%f'`,
  "wal_level = replica",
  "max_wal_senders = 5",
  "max_replication_slots = 5",
  "hot_standby = on",
  // pg_rewind needs it (or data checksums) to bring a dead primary back as a standby.
  "wal_log_hints = on",
  // and the dead primary's WAL back to the last checkpoint both had, which a checkpoint may have
  // recycled since; kept here (an archive's restore_command would also do, --restore-target-wal).
  "wal_keep_size = 256MB",
  "max_connections = 200",
  // The faults kill processes, never the machine: the OS keeps what was written, so fsync would
  // only slow the two shared cores down.
  "fsync = off",
  "synchronous_commit = on",
];

/** One Postgres server of the topology. */
export class PgNode {
  private child: ChildProcess | undefined;
  readonly data: string;
  readonly logFile: string;
  /**
   * Set on a primary that lost its place (the standby was promoted): it must not take writes again.
   * `start()` refuses it until its data directory is a standby's (standby.signal), which only
   * `rewindFrom` or `cloneFrom` makes.
   */
  fenced = false;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly home: string,
    private readonly superPassword: string,
    public role: Role,
  ) {
    this.data = path.join(home, name);
    this.logFile = path.join(home, `${name}.log`);
  }

  /** The WAL archive of the topology (every node's archive_command copies there). */
  get archive(): string {
    return path.join(this.home, "wal-archive");
  }

  /** The superuser's URL of a database on this very server (no pooler). */
  url(database = "postgres", user = "postgres", password = this.superPassword): string {
    return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** initdb: SCRAM passwords, replication allowed from 127.0.0.1 (initdb's default pg_hba). */
  init(): void {
    initdb(PG_BIN, this.data, this.superPassword, path.join(this.home, `${this.name}.pw`));
    // In the file, not on the command line: pg_rewind's crash recovery of a dead primary starts
    // Postgres with the file's settings and records them in the control file, which a standby's
    // must not fall below. A standby's base backup copies the file.
    fs.mkdirSync(this.archive, { recursive: true });
    chown(this.archive);
    fs.appendFileSync(path.join(this.data, "postgresql.conf"), `\n${serverSettings(this.archive).join("\n")}\n`);
  }

  /** pg_basebackup from the primary through its replication slot, configured to follow it (-R). */
  cloneFrom(primary: PgNode, slot: string): void {
    this.baseBackupFrom(primary, ["-R", "-S", slot]);
    this.fenced = false;
    this.role = "standby";
  }

  /** A base backup of `primary` into this node's data folder (WAL streamed alongside). */
  baseBackupFrom(primary: PgNode, extra: string[] = []): void {
    execFileSync(
      path.join(PG_BIN, "pg_basebackup"),
      ["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-D", this.data, "-X", "stream", ...extra, "--checkpoint=fast", "--no-sync"],
      { ...postgresOwner(), stdio: "pipe", env: { ...PG_ENV, PGPASSWORD: this.superPassword } },
    );
  }

  /** Another server in the same folder with the same superuser (a copy of this one's data). */
  sibling(name: string, port: number): PgNode {
    return new PgNode(name, port, this.home, this.superPassword, "primary");
  }

  /**
   * Makes this (stopped) dead primary a standby of `primary`: pg_rewind takes back what it wrote
   * after the promoted standby's timeline forked (WAL that the new primary never had: with
   * synchronous commit, never an acknowledged commit), copies what changed since, and writes
   * standby.signal with a primary_conninfo (-R). pg_rewind first runs crash recovery on a data
   * directory that was not shut down cleanly. Falls back to a new base backup when the rewind
   * fails (e.g. the WAL it needs is gone). Answers which of the two it did.
   */
  rebuildFrom(primary: PgNode, slot: string): "pg_rewind" | "pg_basebackup" {
    const opts = { ...postgresOwner(), stdio: ["ignore", "pipe", "pipe"] as ("ignore" | "pipe")[], env: { ...PG_ENV, PGPASSWORD: this.superPassword } };
    try {
      const out = execFileSync(path.join(PG_BIN, "pg_rewind"), ["--target-pgdata", this.data, "--source-server", `host=127.0.0.1 port=${primary.port} user=postgres dbname=postgres`, "--write-recovery-conf", "--no-sync"], opts);
      fs.appendFileSync(this.logFile, `pg_rewind: ${out.toString()}\n`);
      // -R names no slot; later lines of postgresql.auto.conf win.
      fs.appendFileSync(path.join(this.data, "postgresql.auto.conf"), `primary_slot_name = '${slot}'\n`);
      this.fenced = false;
      this.role = "standby";
      return "pg_rewind";
    } catch (e) {
      fs.appendFileSync(this.logFile, `pg_rewind failed, taking a new base backup: ${(e as { stderr?: Buffer }).stderr?.toString() ?? String(e)}\n`);
      fs.rmSync(this.data, { recursive: true, force: true });
      this.cloneFrom(primary, slot);
      return "pg_basebackup";
    }
  }

  /** Starts the server in its own process group; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.fenced && !fs.existsSync(path.join(this.data, "standby.signal"))) {
      throw new Error(`${this.name} is fenced (a standby was promoted in its place): rebuild it as a standby first`);
    }
    const log = fs.openSync(this.logFile, "a");
    chown(this.logFile);
    const settings = [
      "listen_addresses=127.0.0.1",
      `unix_socket_directories=${this.home}`,
      // The standby's walreceiver introduces itself by this name (its application_name).
      `cluster_name=${this.name}`,
    ];
    this.child = spawn(path.join(PG_BIN, "postgres"), ["-D", this.data, "-p", String(this.port), ...settings.flatMap((s) => ["-c", s])], {
      ...postgresOwner(),
      stdio: ["ignore", log, log],
      env: PG_ENV,
      // Its own process group: a SIGKILL of the group takes the backends down with the postmaster,
      // as a crashed host would (killing the postmaster alone leaves its backends serving).
      detached: true,
    });
    fs.closeSync(log);
    await waitUntilAccepting(this.url(), 60_000, () =>
      this.running ? null : `${this.name} exited while starting: ${fs.readFileSync(this.logFile, "utf8").slice(-1500)}`,
    );
  }

  /** SIGKILL of the whole server (postmaster and backends): no shutdown, no checkpoint. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    try {
      process.kill(-c.pid!, "SIGKILL");
    } catch {
      c.kill("SIGKILL");
    }
    await exited;
  }

  /** A fast shutdown (SIGINT): sessions end, a checkpoint, exit. SIGKILL after 20 s. */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGINT");
    await Promise.race([exited, sleep(20_000)]);
    if (this.running) await this.kill();
  }

  /** `pg_ctl promote`, then waits until the server takes writes. */
  async promote(): Promise<void> {
    execFileSync(path.join(PG_BIN, "pg_ctl"), ["promote", "-D", this.data, "-W"], { ...postgresOwner(), stdio: "pipe", env: PG_ENV });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const inRecovery = await this.query<{ r: boolean }>("select pg_is_in_recovery() as r").then((rows) => rows[0]?.r, () => undefined);
      if (inRecovery === false) break;
      if (Date.now() > deadline) throw new Error(`${this.name} still in recovery 30 s after pg_ctl promote`);
      await sleep(50);
    }
    this.role = "primary";
  }

  /** One query on a fresh superuser connection. */
  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = [], database = "postgres"): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.url(database), connectionTimeoutMillis: 3_000 });
    c.on("error", () => {});
    try {
      await c.connect();
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end().catch(() => {});
    }
  }
}

/**
 * The primary's part of replication: the standby's slot (WAL is kept until the standby has it),
 * then, once the standby streams, synchronous commit through it. Set after the standby is up:
 * with synchronous_standby_names set and no standby, every commit would wait.
 */
export async function makeSynchronous(primary: PgNode, standby: PgNode): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await primary.query<{ application_name: string; state: string }>("select application_name, state from pg_stat_replication");
    if (rows.some((r) => r.application_name === standby.name && r.state === "streaming")) break;
    if (Date.now() > deadline) throw new Error(`the standby is not streaming from the primary after 60 s: ${JSON.stringify(rows)}`);
    await sleep(100);
  }
  await primary.query(`alter system set synchronous_standby_names = '"${standby.name}"'`);
  await primary.query("select pg_reload_conf()");
  for (;;) {
    const rows = await primary.query<{ sync_state: string }>("select sync_state from pg_stat_replication where application_name = $1", [standby.name]);
    if (rows[0]?.sync_state === "sync") return;
    if (Date.now() > deadline) throw new Error(`the standby did not become synchronous: ${JSON.stringify(rows)}`);
    await sleep(100);
  }
}
