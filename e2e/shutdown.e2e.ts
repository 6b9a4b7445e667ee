import { spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import { expect, test } from "./test";
import { freePort } from "../lib/testing/throwaway-postgres";
import { e2eServerEnv } from "./test-env";

// SIGTERM under load, as a load balancer's drain sees it, on a second server of the suite's build:
// a request is held in flight (its query waits behind a lock this test takes), the server gets
// SIGTERM, answers /api/health/ready with 503 at once while it drains, finishes the held request
// with its real answer once the lock goes, and exits by itself, within SHUTDOWN_TIMEOUT_MS. And
// when a request never finishes, the bound ends the process anyway.

type Server = { child: ChildProcess; base: string; log: string[]; exited: Promise<number | null> };

async function startServer(extraEnv: Record<string, string>): Promise<Server> {
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is not set (npm test passes it to Playwright)");
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], {
    env: { ...process.env, ...e2eServerEnv(port, process.env.DATABASE_URL), ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const keep = (c: Buffer) => {
    log.push(String(c));
    if (log.length > 80) log.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i > 240 || child.exitCode !== null) throw new Error(`the server did not come up:\n${log.join("")}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return { child, base, log, exited };
}

/**
 * Holds an exclusive lock on the table /api/health/ready reads (the migration record), so a ready
 * check that reaches the database waits; released by release(). Resolves once a server's query is
 * actually waiting on it.
 */
async function lockMigrationRecord(): Promise<{ waiting: () => Promise<void>; release: () => Promise<void> }> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query("begin");
  await c.query("lock table drizzle.__drizzle_migrations in access exclusive mode");
  const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await watcher.connect();
  return {
    async waiting() {
      for (;;) {
        const r = await watcher.query("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%__drizzle_migrations%' and pid <> pg_backend_pid()");
        if (r.rows[0].n > 0) return;
        await new Promise((res) => setTimeout(res, 100));
      }
    },
    async release() {
      await c.query("rollback").catch(() => {});
      await c.end().catch(() => {});
      await watcher.end().catch(() => {});
    },
  };
}

let server: Server | undefined;

test.afterEach(async ({}, info) => {
  if (info.status !== info.expectedStatus && server) console.error(`[server, exit ${server.child.exitCode}]\n${server.log.join("")}`);
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
  server = undefined;
});

test("SIGTERM: not ready at once, the request in flight finishes with its answer, then the process exits", async () => {
  test.setTimeout(180_000);
  // A drain long enough to look at it, and a bound well past it.
  server = await startServer({ SHUTDOWN_DRAIN_MS: "4000", SHUTDOWN_TIMEOUT_MS: "60000" });
  const { base } = server;
  const lock = await lockMigrationRecord();
  try {
    const inFlight = fetch(`${base}/api/health/ready`).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));
    await lock.waiting();

    server.child.kill("SIGTERM");
    // Not ready, at once and without asking the (locked) database: a balancer takes it out.
    let ready: Response | undefined;
    for (let i = 0; i < 50 && !ready; i++) {
      const r = await fetch(`${base}/api/health/ready`, { signal: AbortSignal.timeout(5_000) });
      if (r.status === 503) ready = r;
      else await new Promise((res) => setTimeout(res, 50));
    }
    expect(ready?.status).toBe(503);
    expect(await ready!.json()).toEqual({ ok: false, reason: "shutting_down" });
    expect(ready!.headers.get("retry-after")).toBeTruthy();
    // Alive meanwhile: a liveness probe must not restart a draining instance.
    expect((await fetch(`${base}/api/health/live`)).status).toBe(200);

    // The held request ends with the answer it was computing, not a reset connection.
    await lock.release();
    expect(await inFlight).toEqual({ status: 200, body: { ok: true } });
  } finally {
    await lock.release();
  }
  // Then the process exits by itself: Next's handler, code 143 (128 + SIGTERM), not the bound's 1.
  expect(await server.exited).toBe(143);
  // The port is closed.
  await expect(fetch(`${base}/api/health/live`)).rejects.toThrow();
});

test("SIGTERM: a request that never finishes does not keep the process past SHUTDOWN_TIMEOUT_MS", async () => {
  test.setTimeout(180_000);
  server = await startServer({ SHUTDOWN_DRAIN_MS: "0", SHUTDOWN_TIMEOUT_MS: "3000" });
  const lock = await lockMigrationRecord();
  try {
    // Held past the bound: the app's lock_timeout (10 s) is longer than it.
    const inFlight = fetch(`${server.base}/api/health/ready`).then(
      (r) => r.status,
      () => "connection closed",
    );
    await lock.waiting();
    server.child.kill("SIGTERM");
    // The bound's exit: code 1, with the lock still held.
    expect(await server.exited).toBe(1);
    expect(await inFlight).toBe("connection closed");
  } finally {
    await lock.release();
  }
});
