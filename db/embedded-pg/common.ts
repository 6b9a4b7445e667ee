import "server-only";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// What the embedded Postgres's steps share: its limits, who runs it, and its one error type.

export const DEFAULT_PORT = 54329;
export const PORT_SCAN = 100;
export const USER = "postgres";
export const LOCK_WAIT_MS = 60_000;
export const INITDB_TIMEOUT_MS = 120_000;
export const READY_TIMEOUT_MS = 60_000;
export const REUSE_TIMEOUT_MS = 20_000;

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

export type State = { password: string; port: number; ownerPid?: number };
export type Ids = { uid: number; gid: number } | undefined;

export class EmbeddedPgError extends Error {
  constructor(message: string) {
    super(`[embedded-pg] ${message}`);
    this.name = "EmbeddedPgError";
  }
}

/**
 * The whole environment of initdb/postgres: nothing of ours (no PG* variables, no secrets) leaks
 * in, and C messages keep the log greppable. (The cast: Next's types make NODE_ENV required.)
 */
export const PG_ENV = { LC_ALL: "C" } as unknown as NodeJS.ProcessEnv;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function isAlive(pid: number): boolean {
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
export function isOurPostmaster(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const i = argv.indexOf("-D");
    return path.basename(argv[0] ?? "") === "postgres" && i >= 0 && argv[i + 1] === dataDir;
  } catch {
    return process.platform !== "linux";
  }
}

