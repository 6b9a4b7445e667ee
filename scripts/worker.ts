// `npm run worker`: the durable job runner on DATABASE_URL's Postgres: the jobs of lib/jobs (drains
// after payments, refunds through the provider, …) and the schedule of lib/jobs/schedule.ts
// (release, expiry, sweep, …). `npm start` runs one beside the app; run more anywhere with the
// app's environment, they share the work and each scheduled run happens once. SIGINT/SIGTERM
// finish the running jobs, then exit. With WORKER_METRICS_PORT set, its metrics are served there
// (GET /metrics, the same METRICS_TOKEN as the app's /api/metrics). With OTEL_EXPORTER_OTLP_ENDPOINT
// set, each job is a trace (lib/observability/tracing.ts).
import "./lib/worker-tracing";
import http from "node:http";
import { pool } from "@/db";
import { directDatabaseUrl, env } from "@/lib/env";
import { log } from "@/lib/observability/log";
import { renderMetrics, scrapeRefusal } from "@/lib/observability/scrape";
import { stopTracing } from "@/lib/observability/tracing";
import { startWorker } from "@/lib/worker/run";

function serveMetrics(port: number): http.Server {
  const server = http.createServer((req, res) => {
    void (async () => {
      if (req.method !== "GET" || req.url !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      const refused = scrapeRefusal(req.headers.authorization ?? null);
      if (refused) {
        res.writeHead(refused.status, { "content-type": "text/plain; charset=utf-8", ...(refused.challenge ? { "www-authenticate": "Bearer" } : {}) });
        res.end(`${refused.message}\n`);
        return;
      }
      // This process's own figures only: the platform's come from the app's /api/metrics.
      const { body, contentType } = await renderMetrics({ cluster: false });
      res.writeHead(200, { "content-type": contentType }).end(body);
    })().catch((err: unknown) => {
      log.error({ err }, "metrics scrape failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.listen(port, () => log.info({ port }, "worker metrics served at /metrics"));
  return server;
}

const metricsServer = env.WORKER_METRICS_PORT ? serveMetrics(env.WORKER_METRICS_PORT) : null;
// The runner LISTENs for new jobs and uses named prepared statements: both need a session of their
// own, so it connects directly (DATABASE_DIRECT_URL); the tasks' money code uses the app's pool.
const runner = await startWorker({ connectionString: directDatabaseUrl(), concurrency: env.WORKER_CONCURRENCY });
log.info({ concurrency: env.WORKER_CONCURRENCY }, "worker running");
await runner.promise;
metricsServer?.close();
await pool().end();
await stopTracing();
log.info("worker stopped");
