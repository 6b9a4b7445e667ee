import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import {
  DEFAULT_PORT,
  EmbeddedPgError,
  INITDB_TIMEOUT_MS,
  isAlive,
  isOurPostmaster,
  LOCK_WAIT_MS,
  PG_ENV,
  PORT_SCAN,
  READY_TIMEOUT_MS,
  REUSE_TIMEOUT_MS,
  sleep,
  USER,
  type Ids,
  type State,
} from "./common";
import type { Layout } from "./layout";

// The server's steps: the lock, its state file, initdb, finding or starting a postmaster, stopping it.

/** Cross-process lock around init/start, so two launchers never initdb or start twice. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
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

export function readState(statePath: string): State | undefined {
  try {
    return JSON.parse(fs.readFileSync(statePath, "utf8")) as State;
  } catch {
    return undefined;
  }
}

export function writeState(statePath: string, state: State): void {
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

export function connString(password: string, port: number, database: string): string {
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

export async function initCluster(layout: Layout, ids: Ids, password: string, log: (m: string) => void) {
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

export type Running = { pid: number; port: number; child?: ChildProcess };

/** A server already running on this data dir: reuse it, or say clearly why not. */
export async function findRunning(layout: Layout, password: string): Promise<Running | undefined> {
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

export async function startServer(layout: Layout, ids: Ids, state: State, log: (m: string) => void): Promise<Running> {
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

export async function stopPid(pid: number, child: ChildProcess | undefined): Promise<void> {
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

export async function ensureDatabase(url: string, database: string): Promise<void> {
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

