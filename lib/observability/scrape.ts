import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { clusterGauges, refreshClusterGauges, type ClusterGauges } from "./cluster-metrics";
import { metrics } from "./metrics";

const g = globalThis as unknown as { __freelineClusterGauges?: ClusterGauges };

/** The Prometheus text of this process; with `cluster`, the platform's figures from Postgres too. */
export async function renderMetrics(opts: { cluster: boolean }): Promise<{ body: string; contentType: string }> {
  const m = metrics();
  if (opts.cluster) {
    const gauges = (g.__freelineClusterGauges ??= clusterGauges(m.registry));
    await refreshClusterGauges(gauges, env.METRICS_TOP_QUEUES);
  }
  return { body: await m.registry.metrics(), contentType: m.registry.contentType };
}

export type ScrapeRefusal = { status: 401 | 403; message: string; challenge: boolean };

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * Who may scrape: with METRICS_TOKEN set, a request with `Authorization: Bearer <it>` (compared in
 * constant time); with it unset, anyone in development and tests, and nobody in production, with a
 * sentence saying what to set. Null: allowed.
 */
export function scrapeRefusal(
  authorization: string | null,
  cfg: { token: string | undefined; production: boolean } = { token: env.METRICS_TOKEN, production: env.NODE_ENV === "production" },
): ScrapeRefusal | null {
  if (!cfg.token) {
    return cfg.production
      ? { status: 403, message: "metrics are disabled: set METRICS_TOKEN and scrape with Authorization: Bearer <METRICS_TOKEN>", challenge: false }
      : null;
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!m) return { status: 401, message: "metrics need Authorization: Bearer <METRICS_TOKEN>", challenge: true };
  return timingSafeEqual(sha256(m[1]!), sha256(cfg.token)) ? null : { status: 401, message: "wrong metrics token", challenge: true };
}
