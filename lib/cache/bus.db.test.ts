import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { databaseUrl } from "@/lib/env";
import { CACHE_CHANNEL, CacheListener, decodePayload, encodePayload, LISTENER_NAME, publishInvalidation, topicCache, type CacheTopic } from "./bus";

// Two app instances, as far as the caches go: each has its listener (its own connection, as
// startCacheBus opens one per server) and its own cache of a store's rules.

const listeners: CacheListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.stop()));
});

/** A listener whose notifications and (re)connections the test can wait for. */
function instance(origin: string, clearCaches: () => void = () => {}) {
  const heard: CacheTopic[] = [];
  const waiters: (() => void)[] = [];
  let connected = 0;
  const listener = new CacheListener({
    connectionString: databaseUrl(),
    origin,
    onTopic: (t) => {
      clearCaches();
      heard.push(t);
      waiters.splice(0).forEach((w) => w());
    },
    onConnected: () => {
      connected++;
      waiters.splice(0).forEach((w) => w());
    },
    retryMinMs: 50,
    retryMaxMs: 200,
  });
  listeners.push(listener);
  listener.start();
  const until = async (test: () => boolean) => {
    while (!test()) await new Promise<void>((r) => waiters.push(r));
  };
  return { listener, heard, connections: () => connected, until };
}

async function listenerPids(): Promise<number[]> {
  const r = await db.execute<{ pid: number }>(sql`select pid from pg_stat_activity where application_name = ${LISTENER_NAME} and datname = current_database()`);
  return r.rows.map((x) => Number(x.pid));
}

describe("cache invalidation over LISTEN/NOTIFY", () => {
  it("a rule change on one instance clears the other's cache as the notification arrives", async () => {
    // Instance B caches a store's rules read from the database.
    let cap = 100;
    let loads = 0;
    const rulesOnB = topicCache("stores", 3_600_000, async (slug: string) => {
      loads++;
      return { slug, unitCapFen: cap };
    });
    // B's listener clears B's caches (in a server, startCacheBus wires it to every topicCache).
    const b = instance("bbbb", () => rulesOnB.clear());
    await b.until(() => b.connections() === 1);
    expect(await rulesOnB("tea")).toEqual({ slug: "tea", unitCapFen: 100 });
    expect(await rulesOnB("tea")).toEqual({ slug: "tea", unitCapFen: 100 });
    expect(loads).toBe(1);

    // Instance A changes the rule and publishes; B hears it (no waiting for an hour-long lifetime).
    cap = 250;
    await db.execute(sql`select pg_notify(${CACHE_CHANNEL}, ${encodePayload("stores", "aaaa")})`);
    await b.until(() => b.heard.length === 1);
    expect(b.heard).toEqual(["stores"]);
    expect(await rulesOnB("tea")).toEqual({ slug: "tea", unitCapFen: 250 });
    expect(loads).toBe(2);
  });

  it("publishInvalidation clears this process's caches at once and reaches every other listener, not its own", async () => {
    let version = 1;
    const cached = topicCache("stores", 3_600_000, async () => version);
    expect(await cached("x")).toBe(1);
    const other = instance("cccc");
    const second = instance("dddd");
    await other.until(() => other.connections() === 1);
    await second.until(() => second.connections() === 1);

    version = 2;
    await publishInvalidation("stores");
    // Here: cleared before publishInvalidation returned.
    expect(await cached("x")).toBe(2);
    await other.until(() => other.heard.length === 1);
    await second.until(() => second.heard.length === 1);

    // A process does not act twice on its own notification.
    const self = instance("eeee");
    await self.until(() => self.connections() === 1);
    await db.execute(sql`select pg_notify(${CACHE_CHANNEL}, ${encodePayload("stores", "eeee")})`);
    await db.execute(sql`select pg_notify(${CACHE_CHANNEL}, ${encodePayload("stores", "ffff")})`);
    await self.until(() => self.heard.length === 1);
    expect(self.heard).toEqual(["stores"]);
  });

  it("a listener whose connection is killed reconnects, clears its caches, and hears the next change", async () => {
    const b = instance("bbbb");
    await b.until(() => b.connections() === 1);
    const [pid] = await listenerPids();
    expect(pid).toBeDefined();
    await db.execute(sql`select pg_terminate_backend(${pid!})`);
    // onConnected runs again: the instance clears everything it may have missed meanwhile.
    await b.until(() => b.connections() === 2);
    expect(b.listener.connected).toBe(true);
    expect(await listenerPids()).not.toContain(pid);
    await db.execute(sql`select pg_notify(${CACHE_CHANNEL}, ${encodePayload("stores", "aaaa")})`);
    await b.until(() => b.heard.length === 1);
  });

  it("keeps retrying a database it cannot reach, and connects once it can", async () => {
    const wrong = new URL(databaseUrl());
    wrong.pathname = "/freeline_no_such_database";
    let tries = 0;
    const l = new CacheListener({ connectionString: wrong.toString(), onTopic: () => {}, retryMinMs: 20, retryMaxMs: 40 });
    listeners.push(l);
    const realConnect = (l as unknown as { connect: () => Promise<void> }).connect.bind(l);
    (l as unknown as { connect: () => Promise<void> }).connect = async () => {
      tries++;
      // After three refusals, the database "comes back".
      if (tries === 4) (l as unknown as { opts: { connectionString: string } }).opts.connectionString = databaseUrl();
      await realConnect();
    };
    l.start();
    while (!l.connected) await new Promise((r) => setTimeout(r, 20));
    expect(tries).toBeGreaterThanOrEqual(4);
  });
});

describe("payloads", () => {
  it("names a known topic and its sender; anything else on the channel is ignored", () => {
    expect(decodePayload(encodePayload("stores", "ab12"))).toEqual({ topic: "stores", origin: "ab12" });
    for (const bad of [undefined, "", "stores", "rules:ab12", "stores:AB12", "stores:ab12:x", `stores:${"a".repeat(40)}`]) {
      expect(decodePayload(bad)).toBeNull();
    }
  });

  it("a cache load that started before a clear is not kept after it", async () => {
    let release!: (v: number) => void;
    let n = 0;
    const cached = topicCache("stores", 3_600_000, () => (n++ === 0 ? new Promise<number>((r) => (release = r)) : Promise.resolve(2)));
    const first = cached("k");
    cached.clear();
    release(1);
    expect(await first).toBe(1);
    expect(await cached("k")).toBe(2);
  });
});
