import net from "node:net";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { getURLFromRedirectError } from "next/dist/client/components/redirect";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { PATH_HEADER } from "@/lib/auth/next-path";
import { unavailableReason } from "./errors";
import { databaseAvailable, noteDatabaseOk, registerDatabaseProbe, resetDatabaseHealth } from "./health";
import { createPool } from "./index";
import { outageRedirectPath, RENDER_PATH_HEADER, watchForOutages } from "./render-outage";

// What this request's headers() answers; null: not inside a request (scripts, the job runner).
let requestHeaders: Headers | null = null;
vi.mock("next/headers", () => ({
  headers: async () => {
    if (!requestHeaders) throw new Error("`headers` was called outside a request scope");
    return requestHeaders;
  },
}));

// A port nothing listens on: every connection is refused at once, as when Postgres is stopped.
let refused = "";
beforeAll(async () => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  refused = `postgres://postgres@127.0.0.1:${port}/postgres`;
});

const pools: ReturnType<typeof createPool>[] = [];
function refusedDb() {
  const pool = createPool(refused, 2);
  watchForOutages(pool);
  pools.push(pool);
  return drizzle(pool);
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});
afterEach(() => {
  requestHeaders = null;
  resetDatabaseHealth();
});

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error("the query succeeded against a refused port");
}

// The chaos run saw `/pay/<order>` answer 500 while Postgres was down: the proxy had let the request
// through a moment before, and the page's session lookup (a drizzle select) got ECONNREFUSED.
describe("a page render that loses the database", () => {
  it("is the path header proxy.ts sets", () => {
    expect(RENDER_PATH_HEADER).toBe(PATH_HEADER);
  });

  it("turns a refused connection in a drizzle query into Next's redirect to the 503 page", async () => {
    requestHeaders = new Headers({ [PATH_HEADER]: "/pay/FL123?from=wx" });
    const e = await failure(() => refusedDb().execute(sql`select role from users where id = ${1}`));
    expect(isRedirectError(e)).toBe(true);
    expect(getURLFromRedirectError(e as never)).toBe(outageRedirectPath("/pay/FL123?from=wx"));
    expect(outageRedirectPath("/pay/FL123?from=wx")).toBe("/unavailable?next=%2Fpay%2FFL123%3Ffrom%3Dwx");
  });

  it("does the same for a transaction that cannot check out a connection", async () => {
    requestHeaders = new Headers({ [PATH_HEADER]: "/me/wallet" });
    const e = await failure(() => refusedDb().transaction(async (tx) => tx.execute(sql`select 1`)));
    expect(isRedirectError(e)).toBe(true);
    expect(getURLFromRedirectError(e as never)).toBe("/unavailable?next=%2Fme%2Fwallet");
  });

  it("leaves a server action's error alone: validatedAction answers it inside the form", async () => {
    requestHeaders = new Headers({ [PATH_HEADER]: "/pay/FL123", "next-action": "abc123" });
    const e = await failure(() => refusedDb().execute(sql`select 1`));
    expect(isRedirectError(e)).toBe(false);
    expect(unavailableReason(e)).toBe("connection");
  });

  it("leaves a route handler's and a script's errors alone", async () => {
    requestHeaders = new Headers(); // /api: proxy.ts never marks it
    const routeError = await failure(() => refusedDb().execute(sql`select 1`));
    expect(isRedirectError(routeError)).toBe(false);
    requestHeaders = null;
    const scriptError = await failure(() => refusedDb().execute(sql`select 1`));
    expect(isRedirectError(scriptError)).toBe(false);
    expect(unavailableReason(scriptError)).toBe("connection");
  });

  it("tells the health gate, so the next page request probes instead of trusting a recent success", async () => {
    let probes = 0;
    registerDatabaseProbe(async () => {
      probes++;
      throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    });
    noteDatabaseOk(Date.now() - 10);
    expect(await databaseAvailable()).toBe(true);
    expect(probes).toBe(0);
    await failure(() => refusedDb().execute(sql`select 1`));
    expect(await databaseAvailable()).toBe(false);
    expect(probes).toBe(1);
  });
});
