// The order phases: the reference (an order's SQL straight through pg), the POS API, the
// framework's floor, and the reference and POS API again with every order at one store.
import { randomUUID } from "node:crypto";
import { request, type RunResult } from "./load";
import { loadPhase, meteredPhase, pick, show, type Bench, type Cost } from "./measure";
import { ORDER_FEN } from "./reference";
import type { BenchCustomer, BenchStore } from "./seed";

/** One order of the reference, as referenceOrder() in scripts/bench/reference.ts returns it. */
export type ReferenceOrder = (store: BenchStore, customer: BenchCustomer) => Promise<void>;

export type OrderPhase = { r: RunResult; cost: Cost };

export function referenceOrders(b: Bench, refOrder: ReferenceOrder): Promise<OrderPhase> {
  return meteredPhase(b, "ref", { run: "reference, 100 stores (pg, 32 clients)", cost: "reference" }, () =>
    refOrder(pick(b.stores), pick(b.customers)),
  );
}

/** One order as a till sends it: the store's key, a fresh idempotency key, a random customer. */
async function posOrder(b: Bench, store: BenchStore): Promise<void> {
  const c = pick(b.customers);
  const body = JSON.stringify({ customer: c.username, amount_fen: ORDER_FEN });
  const res = await request(b.base, "POST", "/api/v1/orders", {
    authorization: `Bearer ${store.apiKey}`,
    "idempotency-key": randomUUID(),
    "content-type": "application/json",
  }, body);
  if (res.status !== 201) throw new Error(`POS ${res.status}: ${res.body.slice(0, 200)}`);
}

export function posOrders(b: Bench): Promise<OrderPhase> {
  return meteredPhase(b, "pos", { run: "app, POS API, 100 stores", cost: "POS API" }, () => posOrder(b, pick(b.stores)));
}

/**
 * GET /api/health: a route handler through the same wrapper as the API, one `select 1`. No order
 * can be cheaper than this request, so orders.app_per_s / floor shows how much of an order's cost
 * is the order's own work and how much is Next's per-request cost on this machine.
 */
export async function frameworkFloor(b: Bench): Promise<RunResult> {
  const r = await loadPhase(b, "floor", async () => {
    const res = await request(b.base, "GET", "/api/health", {});
    if (res.status !== 200) throw new Error(`health ${res.status}: ${res.body.slice(0, 200)}`);
  });
  show("floor: GET /api/health (route handler + select 1)", r);
  return r;
}

/**
 * Every order at one store. Each side gets a store of its own, and a vacuumed start: a few thousand
 * orders at one store leave dead versions of its queue and account rows, which slow every later
 * touch of those rows (one run measured 0.8 ms a touch after 8,000 orders, 0.02 ms after VACUUM).
 * With one store for both, the side that ran second paid for the first one's orders.
 */
export async function hotStore(b: Bench, refOrder: ReferenceOrder): Promise<{ refHot: RunResult; posHot: RunResult }> {
  const [refHotStore, appHotStore] = [b.stores[0]!, b.stores[1]!];
  const vacuum = () => b.raw.query("vacuum queues, accounts, queue_entries");
  if (b.want("hot")) await vacuum();
  const refHot = await loadPhase(b, "hot", () => refOrder(refHotStore, pick(b.customers)));
  show("reference, 1 store (pg, 32 clients)", refHot);
  if (b.want("hot")) await vacuum();
  const posHot = await loadPhase(b, "hot", () => posOrder(b, appHotStore));
  show("app, POS API, 1 store", posHot);
  return { refHot, posHot };
}
