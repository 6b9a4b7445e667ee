import "server-only";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { databaseUrl, env } from "@/lib/env";
import { describeConnectionError } from "./errors";
import { noteDatabaseDoubt, noteDatabaseOk, registerDatabaseProbe } from "./health";
import { watchForOutages } from "./render-outage";
import * as schema from "./schema";

// int8 (bigint) columns hold fen, points and ids. Every value the app stores is far below 2^53
// (an order is at most 1e8 fen), so numbers are exact; refuse anything that is not, rather than
// round silently.
pg.types.setTypeParser(20, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} exceeds the safe integer range`);
  return n;
});

export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle: what every money function takes. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Session limits, so a hung instance cannot hold a queue lock forever. */
export const SESSION_LIMITS = {
  statement_timeout: 15_000,
  lock_timeout: 10_000,
  idle_in_transaction_session_timeout: 30_000,
} as const;

export type SessionLimits = Record<keyof typeof SESSION_LIMITS, number>;

/** Gives up connecting after this long, so a dead database answers 503 instead of hanging. */
export const CONNECT_TIMEOUT_MS = 5_000;

export function createPool(
  connectionString: string,
  max = env.DATABASE_POOL_MAX,
  // Tests pass shorter limits to exercise the timeouts quickly.
  limits: SessionLimits = SESSION_LIMITS,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    ...limits,
  });
  // Without this handler a Postgres restart emits 'error' on an idle client and kills the process.
  pool.on("error", (err) => {
    console.error("[db] idle client error:", err.message);
  });
  // pg-pool listens for a client's errors only while it sits idle. A backend that dies while its
  // client is checked out (pg_terminate_backend, a Postgres restart mid-transaction) fails the
  // running query AND then emits 'error' on the client; with no listener that is an uncaught
  // exception that kills the process (seen in db/resilience.db.test.ts). The query's own error
  // reaches the caller (and its log); the pool discards the broken client on release.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  return pool;
}

type Handle = { pool: pg.Pool; db: Db };
const globalForDb = globalThis as unknown as { __freelineDb?: Handle };

/**
 * Feeds db/health.ts, which lets proxy.ts answer pages with a 503 while the database is down: a
 * checkout is a sign of life, a connection that dies is a doubt, and the probe is a `select 1`.
 */
function reportHealth(pool: pg.Pool): void {
  pool.on("acquire", () => noteDatabaseOk());
  pool.on("error", (err) => noteDatabaseDoubt(err));
  pool.on("connect", (client) => client.on("error", (err) => noteDatabaseDoubt(err)));
  registerDatabaseProbe(() => pool.query("select 1"));
}

function handle(): Handle {
  if (!globalForDb.__freelineDb) {
    const pool = createPool(databaseUrl());
    reportHealth(pool);
    watchForOutages(pool);
    globalForDb.__freelineDb = { pool, db: drizzle(pool, { schema }) };
  }
  return globalForDb.__freelineDb;
}

/** The process-wide drizzle instance, created on first use. */
export const db: Db = new Proxy({} as Db, {
  get(_target, prop, receiver) {
    return Reflect.get(handle().db, prop, receiver);
  },
});

/**
 * Connects once with a single client and returns null, or one clear sentence saying what is wrong
 * (wrong password, unknown database, unreachable host...). The client is always closed, also
 * when authentication fails half-way, so a bad password cannot leak server connections.
 */
export async function checkDatabaseConnection(connectionString: string, timeoutMs = CONNECT_TIMEOUT_MS): Promise<string | null> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (e) {
    return describeConnectionError(e, connectionString);
  } finally {
    await client.end().catch(() => {});
  }
}

export function pool(): pg.Pool {
  return handle().pool;
}

export { schema };
