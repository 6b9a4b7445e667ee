import "server-only";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { pool } from "@/db";
import { directDatabaseUrl, env } from "@/lib/env";
import { log } from "@/lib/observability/log";

/**
 * Cache invalidation across instances, over Postgres LISTEN/NOTIFY.
 *
 * Each app instance keeps a few process caches of things that change rarely (a store's rules and
 * approval, its alliance; the proxy's copies of the anonymous store page). A change made on one
 * instance calls publishInvalidation(topic): the caches of that topic are cleared here at once, and
 * a NOTIFY on the channel `freeline_cache` reaches every other instance's listener, which clears
 * its own as the notification arrives (milliseconds, not the caches' lifetimes).
 *
 * The listener holds one connection of its own (LISTEN lives as long as its session), opened on
 * DATABASE_DIRECT_URL (else DATABASE_URL): pgbouncer in transaction mode hands a session's server
 * connection to others between transactions, so a LISTEN through it hears nothing. It reconnects
 * after any failure (with backoff, up to RETRY_MAX_MS), and a heartbeat query finds a connection
 * that died silently. A notification sent while it was away is lost, so every (re)connection clears
 * every topic; meanwhile the caches' own lifetimes (seconds) bound how stale they can be.
 * NOTIFY itself goes through the ordinary pool: one statement, which any pooler carries.
 */

export const CACHE_CHANNEL = "freeline_cache";
/** What can be invalidated; a payload naming anything else is ignored. */
export const CACHE_TOPICS = ["stores"] as const;
export type CacheTopic = (typeof CACHE_TOPICS)[number];

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;
const HEARTBEAT_MS = 15_000;
export const LISTENER_NAME = "freeline-cache-listener";

type Bus = {
  /** Per topic, the clear functions of the caches that hold it (each bundle copy adds its own). */
  handlers: Map<CacheTopic, Set<() => void>>;
  /** This process's id in payloads: its own notifications come back, and are skipped. */
  origin: string;
  listener: CacheListener | null;
};

// On globalThis: the proxy, the pages and the actions are bundled apart, and every copy of a cache
// must hear the same bus.
const BUS_KEY = Symbol.for("freeline.cacheBus");
function bus(): Bus {
  const g = globalThis as { [BUS_KEY]?: Bus };
  return (g[BUS_KEY] ??= { handlers: new Map(), origin: randomBytes(6).toString("hex"), listener: null });
}

/** Calls `clear` whenever `topic` is invalidated, here or on another instance. */
export function onInvalidate(topic: CacheTopic, clear: () => void): void {
  const b = bus();
  let set = b.handlers.get(topic);
  if (!set) b.handlers.set(topic, (set = new Set()));
  set.add(clear);
}

function runHandlers(topics: readonly CacheTopic[]): void {
  for (const topic of topics) {
    for (const clear of bus().handlers.get(topic) ?? []) {
      try {
        clear();
      } catch (err) {
        log.error({ err, topic }, "cache clear failed");
      }
    }
  }
}

export function encodePayload(topic: CacheTopic, origin: string): string {
  return `${topic}:${origin}`;
}

/** The topic of a payload, or null for anything malformed (a stray NOTIFY on the channel). */
export function decodePayload(payload: string | undefined): { topic: CacheTopic; origin: string } | null {
  const m = /^([a-z_]+):([0-9a-z]{1,32})$/.exec(payload ?? "");
  const topic = m?.[1] as CacheTopic | undefined;
  return m && topic && CACHE_TOPICS.includes(topic) ? { topic, origin: m[2]! } : null;
}

/**
 * After a committed change to what `topic` caches: clears this instance's caches now, and tells the
 * others. Awaits the NOTIFY, so when a server action answers, every listening instance has been sent it.
 * A failed NOTIFY is logged, not thrown: the change is committed, and the others catch up within
 * their caches' lifetimes.
 */
export async function publishInvalidation(topic: CacheTopic): Promise<void> {
  runHandlers([topic]);
  try {
    await pool().query("select pg_notify($1, $2)", [CACHE_CHANNEL, encodePayload(topic, bus().origin)]);
  } catch (err) {
    log.warn({ err, topic }, "cache invalidation not sent to other instances");
  }
}

export type CacheListenerOptions = {
  connectionString: string;
  /** A topic another process invalidated. */
  onTopic: (topic: CacheTopic) => void;
  /** Connected (first time or again): notifications may have been missed while away. */
  onConnected?: () => void;
  /** Payloads from this origin are our own: skipped. */
  origin?: string;
  retryMinMs?: number;
  retryMaxMs?: number;
  heartbeatMs?: number;
};

/** One LISTEN connection that keeps itself connected. */
export class CacheListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Times it has (re)connected; tests and the log read it. */
  connections = 0;

  constructor(private readonly opts: CacheListenerOptions) {
    this.retryMs = opts.retryMinMs ?? RETRY_MIN_MS;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.opts.connectionString,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      query_timeout: 10_000,
      // Named, so an operator sees it in pg_stat_activity (one per app instance).
      application_name: LISTENER_NAME,
    });
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      if (this.client === client) this.client = null;
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
      client.end().catch(() => {});
      if (this.stopped) return;
      log.warn({ err: err instanceof Error ? err.message : String(err), retryMs: this.retryMs }, "cache listener not connected; retrying");
      this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
      this.retryTimer.unref();
      this.retryMs = Math.min(this.retryMs * 2, this.opts.retryMaxMs ?? RETRY_MAX_MS);
    };
    client.on("error", fail);
    client.on("end", () => fail(new Error("connection ended")));
    client.on("notification", (n) => {
      if (n.channel !== CACHE_CHANNEL) return;
      const msg = decodePayload(n.payload);
      if (msg && msg.origin !== this.opts.origin) this.opts.onTopic(msg.topic);
    });
    try {
      await client.connect();
      // A standby refuses LISTEN: the catch retries until the URL leads to a primary again.
      await client.query(`listen ${CACHE_CHANNEL}`);
    } catch (err) {
      fail(err);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.connections++;
    this.retryMs = this.opts.retryMinMs ?? RETRY_MIN_MS;
    this.heartbeat = setInterval(() => {
      client.query("select 1").catch(fail);
    }, this.opts.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
    if (this.connections > 1) log.info({ connections: this.connections }, "cache listener reconnected; caches cleared");
    this.opts.onConnected?.();
  }
}

/**
 * Starts this process's listener (instrumentation.ts, once per server). Not during `next build`,
 * and not without a database (a `next dev` with none configured).
 */
export function startCacheBus(): CacheListener | null {
  const b = bus();
  if (b.listener || env.NEXT_PHASE === "phase-production-build" || !env.DATABASE_URL) return b.listener;
  b.listener = new CacheListener({
    connectionString: directDatabaseUrl(),
    origin: b.origin,
    onTopic: (topic) => runHandlers([topic]),
    onConnected: () => runHandlers(CACHE_TOPICS),
  });
  b.listener.start();
  return b.listener;
}

type Entry<T> = { value: Promise<T>; at: number };

/**
 * A process cache of `load(key)` for `ttlMs`, cleared whenever `topic` is invalidated (here or on
 * another instance). Concurrent misses share one load; a failed load is not kept; a load that
 * started before a clear is not kept after it. At most `maxEntries` keys (oldest dropped first).
 */
export function topicCache<K extends string | number, T>(
  topic: CacheTopic,
  ttlMs: number,
  load: (key: K) => Promise<T>,
  maxEntries = 1_000,
): ((key: K) => Promise<T>) & { clear: () => void } {
  const entries = new Map<K, Entry<T>>();
  let generation = 0;
  const clear = () => {
    generation++;
    entries.clear();
  };
  onInvalidate(topic, clear);
  const get = (key: K): Promise<T> => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const started = generation;
    const value = load(key);
    const entry = { value, at: Date.now() };
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    value.then(
      () => {
        if (generation !== started && entries.get(key) === entry) entries.delete(key);
      },
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    return value;
  };
  return Object.assign(get, { clear });
}
