import { renderMetrics, scrapeRefusal } from "@/lib/observability/scrape";

export const dynamic = "force-dynamic";

/**
 * GET /api/metrics: Prometheus text (docs/operations.md, "Metrics"), for a bearer METRICS_TOKEN.
 * This process's own metrics and the platform's figures from Postgres.
 */
export async function GET(req: Request): Promise<Response> {
  const refused = scrapeRefusal(req.headers.get("authorization"));
  if (refused) {
    return new Response(`${refused.message}\n`, {
      status: refused.status,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...(refused.challenge ? { "www-authenticate": "Bearer" } : {}) },
    });
  }
  const { body, contentType } = await renderMetrics({ cluster: true });
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
