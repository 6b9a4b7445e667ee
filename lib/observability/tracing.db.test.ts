import { receiver } from "@/lib/testing/tracing-setup";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/v1/orders/route";
import type { Viewer } from "@/lib/auth/session";
import { db } from "@/db";
import { createApiKey } from "@/lib/api/keys";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import type { ReceivedSpan } from "@/lib/testing/otlp-receiver";
import { expectLedgerClean } from "@/lib/testing/verify";
import { inJobContext } from "@/lib/worker/run";
import { taskList } from "@/lib/worker/tasks";
import { flushTracing, pathTemplate, tracesUrl } from "./tracing";

// The action runs outside Next: the viewer and the request headers come from these stubs.
const request = vi.hoisted(() => ({ viewer: null as Viewer | null, headers: new Headers() }));
vi.mock("@/lib/auth/session", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/session")>();
  return { ...real, getViewer: async () => request.viewer };
});
vi.mock("@/lib/auth/auth-js", () => ({ auth: async () => null }));
vi.mock("next/headers", () => ({ headers: async () => request.headers, cookies: async () => ({ get: () => undefined }) }));

const { createOrderAction } = await import("@/app/(customer)/actions");

afterAll(async () => {
  await expectLedgerClean();
  await receiver.close();
});

async function usernameOf(userId: number): Promise<string> {
  const res = await db.execute<{ username: string }>(sql`select username from users where id = ${userId}`);
  return res.rows[0]!.username;
}

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId);
const queriesUnder = (spans: ReceivedSpan[], parent: ReceivedSpan) =>
  childrenOf(spans, parent)
    .filter((s) => s.name.startsWith("pg.query"))
    .map((s) => String(s.attributes["db.query.text"]));

describe("traces", () => {
  it("orders placed through the POS API and the store page, and a drain, make route, action, database and job spans, sent as OTLP/HTTP JSON", async () => {
    const store = await makeStore({ unitCapFen: 0 });
    const owner = store.ownerUserId;
    const { token } = await createApiKey(db, { merchantId: store.id, createdByUserId: owner, name: "till" });
    const customer = await usernameOf(await makeCustomer());
    // 10 + 50 + 50 yuan: the third payment's pool covers the head of the queue, so it adds a drain job.
    for (const amount_fen of [1_000, 5_000, 5_000]) {
      const res = await POST(
        new Request("http://localhost/api/v1/orders", {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": randomUUID() },
          body: JSON.stringify({ customer, amount_fen }),
        }) as never,
        { params: Promise.resolve({}) } as never,
      );
      expect(res.status).toBe(201);
    }
    // The runner's public view leaves the payload out; its table has it.
    const job = await db.execute<{ id: string; payload: unknown }>(sql`
      select j.id::text, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'queue.drain' and j.key = ${`drain:queue:${store.queueId}`}`);
    expect(job.rows).toHaveLength(1);
    // The task as the runner calls it (lib/worker/run.ts wraps each in its span).
    const helpers = { job: { id: job.rows[0]!.id, attempts: 1, created_at: new Date() } } as never;
    await inJobContext(taskList())["queue.drain"]!(job.rows[0]!.payload, helpers);
    await flushTracing();

    const spans = await receiver.waitFor((all) => all.some((s) => s.name === "job queue.drain"));
    expect(receiver.refused).toBe(0);
    const routes = spans.filter((s) => s.name === "route POST /api/v1/orders");
    expect(routes).toHaveLength(3);
    for (const r of routes) {
      expect(r.service).toBe("freeline-test");
      expect(r.parentSpanId).toBe(""); // a root here; under `next start` Next's request span is its parent
      expect(r.attributes["http.response.status_code"]).toBe(201);
      expect(r.attributes["url.path"]).toBe("/api/v1/orders");
      expect(r.status).not.toBe(2);
      // The order's statements, each a span under the route's: the API key, the order, the ledger.
      const queries = queriesUnder(spans, r);
      // The POS insert starts with the CTE that locks the order's parties (lib/orders/create.ts).
      expect(queries.some((q) => /^with "parties" as .* insert into "orders"/is.test(q))).toBe(true);
      expect(queries.some((q) => /ledger_entries/i.test(q))).toBe(true);
      expect(queries.some((q) => /api_keys/i.test(q))).toBe(true);
      // Parameters stay out of traces: no customer name, no token.
      expect(JSON.stringify(childrenOf(spans, r))).not.toContain(customer);
      expect(JSON.stringify(childrenOf(spans, r))).not.toContain(token);
    }
    // Three traces, one per request.
    expect(new Set(routes.map((r) => r.traceId)).size).toBe(3);

    const [drain] = spans.filter((s) => s.name === "job queue.drain");
    expect(drain!.attributes["freeline.job.task"]).toBe("queue.drain");
    expect(drain!.attributes["freeline.job.id"]).toBe(job.rows[0]!.id);
    expect(queriesUnder(spans, drain!).some((q) => /payouts/i.test(q))).toBe(true);

    // A customer's order from the store page: a server action, named by the page it came from.
    const buyer = await makeCustomer();
    request.viewer = { userId: buyer, role: "customer", displayName: "Test", consentDue: false };
    request.headers = new Headers({ "x-freeline-path": `/s/${store.slug}`, "next-action": "7f00aa", "x-request-id": "trace-test-0001" });
    const form = new FormData();
    form.set("slug", store.slug);
    form.set("amount", "12.00");
    form.set("idempotencyKey", randomUUID());
    const answer = await createOrderAction(null, form);
    expect(answer).toMatchObject({ ok: true });
    await flushTracing();
    const [action] = await receiver.waitFor((all) => all.some((s) => s.name === "action /s/:slug")).then((all) => all.filter((s) => s.name === "action /s/:slug"));
    expect(action!.attributes).toMatchObject({ "freeline.action.outcome": "ok", "enduser.id": String(buyer), "freeline.request_id": "trace-test-0001" });
    expect(String(action!.attributes["next.action"])).toBe(`7f00aa on /s/${store.slug}`);
    expect(queriesUnder(spans, action!).some((q) => /^insert into "orders"/i.test(q))).toBe(true);

    // Queries outside any request, action or job (health probes, the runner's polling) make no trace.
    await db.execute(sql`select 1`);
    await flushTracing();
    expect(spans.filter((s) => s.parentSpanId === "" && s.name.startsWith("pg."))).toHaveLength(0);
  });
});

describe("configuration", () => {
  it("traces go to the traces endpoint as given, else to <base>/v1/traces, and are off with neither", () => {
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined })).toBe("http://collector:4318/v1/traces");
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b/otlp/traces" })).toBe("http://b/otlp/traces");
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined })).toBeNull();
  });
  it("span names keep ids, slugs and tokens out", () => {
    expect(pathTemplate("/api/queues/42/drain")).toBe("/api/queues/:id/drain");
    expect(pathTemplate("/s/tea-house")).toBe("/s/:slug");
    expect(pathTemplate("/orders/FL20261207ABCDEF123456?x=1")).toBe("/orders/:token");
    expect(pathTemplate("/api/payments/wechat/webhook")).toBe("/api/payments/wechat/webhook");
  });
});
