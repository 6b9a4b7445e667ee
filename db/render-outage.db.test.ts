import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { getURLFromRedirectError } from "next/dist/client/components/redirect";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { PATH_HEADER } from "@/lib/auth/next-path";
import { databaseUrl } from "@/lib/env";
import { unavailableReason } from "./errors";
import { resetDatabaseHealth } from "./health";
import { createPool } from "./index";
import { watchForOutages } from "./render-outage";

// A page whose transaction loses its backend half way (pg_terminate_backend, as the chaos run's
// terminator and a failover do) answers the 503 page like a refused connection, not a 500: the
// error comes from the checked-out client's query, not from the checkout (db/render-outage.ts).

let requestHeaders: Headers | null = null;
vi.mock("next/headers", () => ({
  headers: async () => {
    if (!requestHeaders) throw new Error("`headers` was called outside a request scope");
    return requestHeaders;
  },
}));

const pool = createPool(databaseUrl(), 2);
watchForOutages(pool);
pool.on("error", () => {}); // the terminated client's own error event
const db = drizzle(pool);
const admin = new pg.Pool({ connectionString: databaseUrl(), max: 1 });

afterAll(async () => {
  await Promise.all([pool.end(), admin.end()]);
});
afterEach(() => {
  requestHeaders = null;
  resetDatabaseHealth();
});

/** Runs a transaction whose backend is terminated after its first statement; answers what it threw. */
async function killedMidTransaction(): Promise<unknown> {
  try {
    await db.transaction(async (tx) => {
      const pid = (await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows[0]!.pid;
      await admin.query("select pg_terminate_backend($1)", [pid]);
      await tx.execute(sql`select 1`);
    });
  } catch (e) {
    return e;
  }
  throw new Error("the transaction survived its backend");
}

describe("a page's transaction whose backend is terminated", () => {
  it("becomes Next's redirect to the 503 page, as a refused connection does", async () => {
    requestHeaders = new Headers({ [PATH_HEADER]: "/me/wallet?tab=1" });
    const e = await killedMidTransaction();
    expect(isRedirectError(e)).toBe(true);
    expect(getURLFromRedirectError(e as never)).toBe("/unavailable?next=%2Fme%2Fwallet%3Ftab%3D1");
  });

  it("stays a connection error for a server action, a route handler or a script (they answer their own 503)", async () => {
    requestHeaders = new Headers({ [PATH_HEADER]: "/pay/FL1", "next-action": "abc" });
    const action = await killedMidTransaction();
    expect(isRedirectError(action)).toBe(false);
    expect(unavailableReason(action)).toBe("connection");
    requestHeaders = null;
    const script = await killedMidTransaction();
    expect(isRedirectError(script)).toBe(false);
    expect(unavailableReason(script)).toBe("connection");
  });

  it("leaves the pool serving: the next page's transaction works", async () => {
    requestHeaders = new Headers({ [PATH_HEADER]: "/" });
    await killedMidTransaction();
    const n = await db.transaction(async (tx) => (await tx.execute<{ n: number }>(sql`select 41 + 1 as n`)).rows[0]!.n);
    expect(n).toBe(42);
  });
});
