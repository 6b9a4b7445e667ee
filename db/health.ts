import "server-only";
import { unavailableReason } from "./errors";

/**
 * Whether the database answers, as this process last saw it: what lets proxy.ts answer a page
 * request with a 503 and Retry-After while Postgres is down, instead of rendering the error page
 * with a 500.
 *
 * - The pool reports every checkout as a sign of life, and every failed connection or dead idle
 *   client as a reason to doubt (db/index.ts).
 * - The gate trusts a sign of life younger than FRESH_MS with no doubt since: no I/O at all on the
 *   hot path. Otherwise it runs one probe (`select 1` through the app's own pool, bounded by
 *   PROBE_TIMEOUT_MS), shared by every request that arrives meanwhile.
 * - A failed probe closes the gate: requests are refused at once for RETRY_MS, then the next one
 *   probes again (half-open), so the app recovers by itself within a second of Postgres coming back.
 *
 * A doubt alone never refuses anything: a single terminated backend only costs the next request
 * one probe. The state lives on globalThis because proxy.ts is bundled apart from the pages and
 * routes but runs in the same process (`next start`); a process with no registered probe (nothing
 * has touched the database yet) lets everything through.
 */
export const FRESH_MS = 2_000;
/**
 * Where a page render that lost the database is sent (db/render-outage.ts); proxy.ts always answers
 * it with the 503 page. Here, not there, so proxy.ts never loads drizzle for it.
 */
export const OUTAGE_PATH = "/unavailable";
export const RETRY_MS = 1_000;
export const PROBE_TIMEOUT_MS = 2_000;

type Health = {
  lastOkAt: number;
  lastDoubtAt: number;
  /** When the last probe failed; null while the database is believed up. */
  downSince: number | null;
  lastProbeAt: number;
  probing: Promise<boolean> | null;
  probe: (() => Promise<unknown>) | null;
};

const KEY = Symbol.for("freeline.db.health");
const holder = globalThis as unknown as Record<symbol, Health | undefined>;

function state(): Health {
  return (holder[KEY] ??= { lastOkAt: 0, lastDoubtAt: 0, downSince: null, lastProbeAt: 0, probing: null, probe: null });
}

/** The pool calls this with its own `select 1`, once, when it is created. */
export function registerDatabaseProbe(probe: () => Promise<unknown>): void {
  state().probe = probe;
}

/** A connection was handed out or a query answered. */
export function noteDatabaseOk(now = Date.now()): void {
  const s = state();
  s.lastOkAt = now;
  s.downSince = null;
}

/** A connection failed or died. Only connection-class failures count: a lock timeout is not an outage. */
export function noteDatabaseDoubt(error: unknown, now = Date.now()): void {
  if (unavailableReason(error) === "connection") state().lastDoubtAt = now;
}

async function runProbe(s: Health, now: number): Promise<boolean> {
  const probe = s.probe!;
  s.lastProbeAt = now;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("probe timed out")), PROBE_TIMEOUT_MS))),
    ]);
    noteDatabaseOk();
    return true;
  } catch {
    s.downSince ??= now;
    s.lastDoubtAt = Date.now();
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** true: serve the request; false: answer 503 with Retry-After. */
export async function databaseAvailable(now = Date.now()): Promise<boolean> {
  const s = state();
  if (!s.probe) return true;
  if (s.downSince === null && now - s.lastOkAt < FRESH_MS && s.lastOkAt >= s.lastDoubtAt) return true;
  if (s.probing) return s.probing;
  if (s.downSince !== null && now - s.lastProbeAt < RETRY_MS) return false;
  s.probing = runProbe(s, now).finally(() => {
    s.probing = null;
  });
  return s.probing;
}

/** Tests only: forget everything, including the probe. */
export function resetDatabaseHealth(): void {
  delete holder[KEY];
}
