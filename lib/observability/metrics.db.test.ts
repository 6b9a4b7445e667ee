import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { taskList } from "@/lib/worker/tasks";
import { clusterGauges, refreshClusterGauges } from "./cluster-metrics";
import { scrapeRefusal } from "./scrape";

/** Prometheus text to `name{labels}` -> value (labels as prom-client writes them: its own, then `proc`). */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

async function scrape(): Promise<Map<string, number>> {
  // No METRICS_TOKEN in tests and not production: open (the refusals are tested below).
  const res = await GET(new Request("http://localhost/api/metrics"));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;
/** A series summed over its label sets (other test files may add to the same figures meanwhile). */
const total = (m: Map<string, number>, name: string) => [...m].filter(([k]) => k.startsWith(`${name}{`)).reduce((s, [, v]) => s + v, 0);

/** The cluster figures on a registry of their own, naming `top` queues. */
async function cluster(top: number): Promise<Map<string, number>> {
  const registry = new Registry();
  await refreshClusterGauges(clusterGauges(registry), top);
  return parse(await registry.metrics());
}

describe("GET /api/metrics", () => {
  it("serves the Prometheus text, and the figures move after an order is paid and drained", async () => {
    const store = await makeStore({ unitCapFen: 0 });
    const q = store.queueId!;
    const customer = await makeCustomer();
    const before = await scrape();
    // Process metrics are there: the event-loop lag, this process's pool.
    expect(before.has('nodejs_eventloop_lag_seconds{proc="web"}')).toBe(true);
    expect([...before.keys()].some((k) => k.startsWith('freeline_db_pool_connections{state="max"'))).toBe(true);

    await placePaidOrder(customer, store.id, 1_000, { drain: false });
    await placePaidOrder(customer, store.id, 5_000, { drain: false });
    const due = await placePaidOrder(customer, store.id, 5_000, { drain: false });
    expect(due.drainDue).toBe(true);
    const mid = await scrape();
    // (At least: other test files may pay orders meanwhile.)
    expect(value(mid, 'freeline_orders{provider="dev",status="paid",proc="web"}')).toBeGreaterThanOrEqual(value(before, 'freeline_orders{provider="dev",status="paid",proc="web"}') + 3);
    expect(value(mid, 'freeline_payments_fen{provider="dev",proc="web"}')).toBeGreaterThanOrEqual(value(before, 'freeline_payments_fen{provider="dev",proc="web"}') + 11_000);
    expect(total(mid, "freeline_queue_waiting_entries")).toBeGreaterThanOrEqual(total(before, "freeline_queue_waiting_entries") + 3);
    // With every queue named, the new one shows its three waiting entries and its pool.
    const all = await cluster(1_000_000);
    expect(value(all, `freeline_queue_waiting_entries{queue="${q}"}`)).toBe(3);
    expect(value(all, `freeline_queue_pool_fen{queue="${q}"}`)).toBe(130 + 650 + 650);
    // Its drain waits as a job: the backlog shows it (others' drains may wait too).
    expect(value(mid, 'freeline_jobs{task="queue.drain",state="due",proc="web"}')).toBeGreaterThanOrEqual(1);

    await taskList()["queue.drain"]({ queueId: q }, { job: { created_at: new Date(Date.now() - 1500) } } as never);
    const after = await scrape();
    expect(value(after, 'freeline_payouts{kind="fifo",proc="web"}')).toBeGreaterThanOrEqual(value(before, 'freeline_payouts{kind="fifo",proc="web"}') + 1);
    const allAfter = await cluster(1_000_000);
    expect(value(allAfter, `freeline_queue_waiting_entries{queue="${q}"}`)).toBe(2);
    expect(value(allAfter, `freeline_queue_pool_fen{queue="${q}"}`)).toBe(1430 - 1000);
    expect(value(after, 'freeline_drain_latency_seconds_count{proc="web"}')).toBe(value(mid, 'freeline_drain_latency_seconds_count{proc="web"}') + 1);
    expect(value(after, 'freeline_drain_latency_seconds_bucket{le="1",proc="web"}')).toBe(value(mid, 'freeline_drain_latency_seconds_bucket{le="1",proc="web"}'));
    expect(value(after, 'freeline_drain_payouts_total{proc="web"}')).toBe(value(mid, 'freeline_drain_payouts_total{proc="web"}') + 1);
    await expectLedgerClean();
  });

  it("keeps per-queue series bounded: beyond the deepest few, queues are summed as other", async () => {
    const customer = await makeCustomer();
    for (let i = 0; i < 3; i++) await placePaidOrder(customer, (await makeStore({ unitCapFen: 0 })).id, 1_000, { drain: false });
    const [two, all] = [await cluster(2), await cluster(1_000_000)];
    const series = [...two.keys()].filter((k) => k.startsWith("freeline_queue_waiting_entries{"));
    expect(series).toHaveLength(3); // two named, and other
    expect(series).toContain('freeline_queue_waiting_entries{queue="other"}');
    // Nothing is lost by summing (figures read in two scrapes: other test files may add between).
    expect(total(two, "freeline_queue_waiting_entries")).toBeLessThanOrEqual(total(all, "freeline_queue_waiting_entries"));
    expect(total(two, "freeline_queue_waiting_entries")).toBeGreaterThan(0);
  });
});

describe("who may scrape", () => {
  const token = "a-metrics-token-of-some-length";
  it("with a token: the right bearer only, compared whole", () => {
    expect(scrapeRefusal(`Bearer ${token}`, { token, production: true })).toBeNull();
    expect(scrapeRefusal(null, { token, production: true })).toMatchObject({ status: 401, challenge: true });
    expect(scrapeRefusal(`Bearer ${token}x`, { token, production: true })).toMatchObject({ status: 401 });
    expect(scrapeRefusal(`Bearer ${token.slice(0, -1)}`, { token, production: false })).toMatchObject({ status: 401 });
    expect(scrapeRefusal(`Basic ${token}`, { token, production: true })).toMatchObject({ status: 401 });
  });
  it("without one: open in development and tests, refused in production with what to set", () => {
    expect(scrapeRefusal(null, { token: undefined, production: false })).toBeNull();
    const refused = scrapeRefusal(`Bearer anything`, { token: undefined, production: true });
    expect(refused).toMatchObject({ status: 403 });
    expect(refused!.message).toContain("METRICS_TOKEN");
  });
});
