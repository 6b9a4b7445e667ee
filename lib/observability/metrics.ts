import "server-only";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { pool } from "@/db";
import { getProcessRole } from "./log";

/**
 * The process's Prometheus metrics (prom-client). Two kinds:
 *
 * - **Per process**, counted where they happen: webhook failures and requests (web), drains and
 *   jobs (worker), the database pool, the event loop and the rest of Node's defaults. Every series
 *   carries `proc` (`web` or `worker`); Prometheus adds `instance`. The web processes serve theirs
 *   at GET /api/metrics, the worker at WORKER_METRICS_PORT; sum across instances in queries.
 * - **Cluster-wide**, read from Postgres at scrape time (./cluster-metrics.ts): orders, payments,
 *   payouts, queues, pools, job backlog. Every instance reports the same figures, so query them
 *   with max() (or scrape one instance for them).
 *
 * One registry per process, kept on globalThis: Next may load this module once per route bundle.
 */
function build() {
  const registry = new Registry();
  registry.setDefaultLabels({ proc: getProcessRole() });
  // Includes nodejs_eventloop_lag_seconds (and its p50/p90/p99 from monitorEventLoopDelay).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

  const m = {
    registry,
    webhookFailures: new Counter({
      name: "freeline_webhook_failures_total",
      help: "Payment notifications answered with an error, by provider and reason (refused, unavailable, internal).",
      labelNames: ["provider", "reason"] as const,
      registers: [registry],
    }),
    requests: new Counter({
      name: "freeline_requests_total",
      help: "Route handler calls and server actions, by kind and outcome (the HTTP status class, or ok/refused/invalid/unavailable/error).",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
    drainLatency: new Histogram({
      name: "freeline_drain_latency_seconds",
      help: "From the first payment (refund, leave) a queue.drain job covers to the end of that drain.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    }),
    drainPayouts: new Counter({
      name: "freeline_drain_payouts_total",
      help: "Queue entries paid out by queue.drain jobs in this process.",
      registers: [registry],
    }),
    drainPaidFen: new Counter({
      name: "freeline_drain_paid_fen_total",
      help: "Fen paid out by queue.drain jobs in this process.",
      registers: [registry],
    }),
    jobsFinished: new Counter({
      name: "freeline_jobs_finished_total",
      help: "Job attempts run by this worker, by task and outcome (ok, error: retried later, failed: retries used up).",
      labelNames: ["task", "outcome"] as const,
      registers: [registry],
    }),
  };

  new Gauge({
    name: "freeline_db_pool_connections",
    help: "This process's Postgres pool (the app's; the job runner has its own): connections by state, and the pool's maximum.",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const p = pool();
      this.set({ state: "total" }, p.totalCount);
      this.set({ state: "idle" }, p.idleCount);
      this.set({ state: "in_use" }, p.totalCount - p.idleCount);
      this.set({ state: "waiting" }, p.waitingCount);
      this.set({ state: "max" }, p.options.max ?? 0);
    },
  });
  return m;
}

export type Metrics = ReturnType<typeof build>;

const g = globalThis as unknown as { __freelineMetrics?: Metrics };

/** The process's metrics, made on first use (after the process has said whether it is the worker). */
export function metrics(): Metrics {
  return (g.__freelineMetrics ??= build());
}

/** Webhook failure reasons, a fixed set so the label stays small: refused (signature, order, amount), unavailable (database), internal (a bug). */
export type WebhookFailure = "refused" | "unavailable" | "internal";

/** Providers named in labels: the known ones, anything else counted as `other`. */
const PROVIDERS = new Set(["wechat", "alipay", "dev", "pos"]);
export function providerLabel(p: string): string {
  return PROVIDERS.has(p) ? p : "other";
}
