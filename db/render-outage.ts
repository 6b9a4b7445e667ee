import "server-only";
import { DrizzleQueryError } from "drizzle-orm";
import type pg from "pg";
import { unavailableReason } from "./errors";
import { noteDatabaseDoubt, OUTAGE_PATH } from "./health";

/**
 * A page whose database goes away while it renders answers 503, not 500.
 *
 * proxy.ts refuses page requests with a 503 while it knows the database is down (db/health.ts),
 * but it can only know what has already happened: a request it let through a moment before
 * Postgres stopped, or whose backend was terminated, still fails inside the page, and Next
 * renders an uncaught error as a 500 with no way for a page to choose 503. So the pool itself
 * (every query of every page goes through it) turns a connection-class failure during a page
 * render into a redirect to OUTAGE_PATH, which proxy.ts always answers with its 503 page and
 * Retry-After; that page reloads the original address once the wait is over.
 *
 * Only page renders are redirected: proxy.ts marks them with the path header, and a server
 * action (the `next-action` header) or a route handler (under /api, never marked) keeps the
 * error, which validatedAction and the route wrapper already answer with their own 503. Outside
 * a request (scripts, the job runner, tests) nothing changes.
 *
 * Every failure of that class is also reported to db/health.ts, including a connection that
 * could not be opened at all, which pg-pool reports to no listener: the next page request then
 * probes the database before it is let through.
 */
/** proxy.ts sets it on every page request (lib/auth/next-path.ts names it too). */
export const RENDER_PATH_HEADER = "x-freeline-path";

/** Where a page render that lost the database is sent: OUTAGE_PATH, naming the page to come back to. */
export function outageRedirectPath(pagePath: string): string {
  return `${OUTAGE_PATH}?next=${encodeURIComponent(pagePath)}`;
}

/** The page being rendered in this request, or null for an action, a route handler, or no request at all. */
async function renderedPage(): Promise<string | null> {
  try {
    // Loaded on failure only, so scripts and the job runner never load Next.
    const { headers } = await import("next/headers");
    const h = await headers();
    if (h.has("next-action")) return null;
    return h.get(RENDER_PATH_HEADER);
  } catch {
    return null; // not inside a request
  }
}

/**
 * What to throw instead of `error`: the same error, or Next's redirect to the outage page when
 * it is a connection-class failure during a page render.
 */
export async function outageError(error: unknown): Promise<unknown> {
  const reason = unavailableReason(error);
  if (reason === null) return error;
  noteDatabaseDoubt(error);
  if (reason !== "connection" && reason !== "overloaded") return error;
  const page = await renderedPage();
  if (page === null) return error;
  const { redirect } = await import("next/navigation");
  try {
    redirect(outageRedirectPath(page));
  } catch (r) {
    return r;
  }
}

// drizzle wraps a failed query in DrizzleQueryError with the driver's error as its `cause`; Next
// recognises a redirect by the thrown error's own `digest`. The wrapper lends its cause's digest
// (only a redirect's: nothing else the pool throws has one) and keeps any digest Next sets on it.
const OWN_DIGEST = Symbol("digest");
type WithDigest = { [OWN_DIGEST]?: unknown; cause?: unknown };
if (!Object.getOwnPropertyDescriptor(DrizzleQueryError.prototype, "digest")) {
  Object.defineProperty(DrizzleQueryError.prototype, "digest", {
    configurable: true,
    get(this: WithDigest) {
      if (this[OWN_DIGEST] !== undefined) return this[OWN_DIGEST];
      const cause = this.cause as { digest?: unknown } | undefined;
      return typeof cause?.digest === "string" && cause.digest.startsWith("NEXT_REDIRECT;") ? cause.digest : undefined;
    },
    set(this: WithDigest, value: unknown) {
      this[OWN_DIGEST] = value;
    },
  });
}

const WATCHED = Symbol("outage-watched");

/**
 * A checked-out client's own queries go through outageError too: a transaction runs on one client,
 * so a backend terminated in the middle of a page's transaction (pg_terminate_backend, a failover)
 * fails in client.query, not in the checkout, and was a 500. Patched once per client (pg-pool
 * hands the same client out again); only the promise form (a callback or a submittable such as a
 * cursor keeps its own error path).
 */
function watchClient(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { [WATCHED]?: true };
  if (marked[WATCHED]) return client;
  marked[WATCHED] = true;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const patched = (...args: unknown[]) => {
    const result = query(...args);
    if (typeof args[args.length - 1] === "function" || !(result instanceof Promise)) return result;
    return result.catch(async (e: unknown) => {
      throw await outageError(e);
    });
  };
  Object.assign(client, { query: patched });
  return client;
}

/**
 * Routes the pool's failures through outageError: `connect` (transactions, and every query's
 * checkout), the queries of a checked-out client (a transaction's), and the promise form of `query`
 * (drizzle's single statements).
 */
export function watchForOutages(pool: pg.Pool): void {
  const connect = pool.connect.bind(pool) as (cb?: (err: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void) => Promise<pg.PoolClient> | void;
  const patchedConnect = (cb?: (err: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void) => {
    if (typeof cb === "function") {
      // pg-pool's own query() checks out this way: note the doubt, and let query() report the error.
      return connect((err, client, done) => {
        if (err) noteDatabaseDoubt(err);
        cb(err, client, done);
      });
    }
    return (connect() as Promise<pg.PoolClient>).then(watchClient, async (e: unknown) => {
      throw await outageError(e);
    });
  };
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const patchedQuery = (...args: unknown[]) => {
    if (typeof args[args.length - 1] === "function") return query(...args);
    return (query(...args) as Promise<unknown>).catch(async (e: unknown) => {
      throw await outageError(e);
    });
  };
  Object.assign(pool, { connect: patchedConnect, query: patchedQuery });
}
