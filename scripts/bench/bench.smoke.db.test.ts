// The benchmark at a tiny size, end to end (it runs `next build` unless told otherwise, so it takes
// minutes). Skipped in `npm test`: run it with
//   FREELINE_BENCH_SMOKE=1 npx vitest run scripts/bench/bench.smoke.db.test.ts
// (add FREELINE_BENCH_SKIP_BUILD=1 to reuse an existing .next build).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const KEYS = [
  "orders.app_per_s",
  "orders.reference_per_s",
  "orders.ratio",
  "orders.p99_ms",
  "orders.db_ms_ratio",
  "orders.server_cpu_ms",
  "checkout.ratio",
  "checkout.p99_ms",
  "hot_store.ratio",
  "drain.payouts_per_s",
  "position.p95_ms",
  "store_page.p95_ms",
  "rss_mb",
];

describe.skipIf(!process.env.FREELINE_BENCH_SMOKE)("npm run bench -- --smoke", () => {
  it("runs every phase and writes bench-results.json with exactly the documented keys", () => {
    const root = path.resolve(__dirname, "../..");
    const args = ["run", "bench", "--", "--smoke", ...(process.env.FREELINE_BENCH_SKIP_BUILD ? ["--skip-build"] : [])];
    const r = spawnSync("npm", args, { cwd: root, encoding: "utf8", timeout: 600_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/ratios to the reference/);
    const results = JSON.parse(fs.readFileSync(path.join(root, "bench-results.json"), "utf8")) as Record<string, number>;
    expect(Object.keys(results).sort()).toEqual([...KEYS].sort());
    for (const k of KEYS) expect(Number.isFinite(results[k]), k).toBe(true);
    expect(results["orders.app_per_s"]).toBeGreaterThan(0);
  }, 660_000);
});
