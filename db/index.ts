import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { databaseUrl, env } from "@/lib/env";
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

export function createPool(connectionString: string, max = env.DATABASE_POOL_MAX): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    ...SESSION_LIMITS,
  });
  // Without this handler a Postgres restart emits 'error' on an idle client and kills the process.
  pool.on("error", (err) => {
    console.error("[db] idle client error:", err.message);
  });
  return pool;
}

type Handle = { pool: pg.Pool; db: Db };
const globalForDb = globalThis as unknown as { __freelineDb?: Handle };

function handle(): Handle {
  if (!globalForDb.__freelineDb) {
    const pool = createPool(databaseUrl());
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

export function pool(): pg.Pool {
  return handle().pool;
}

export { schema };
