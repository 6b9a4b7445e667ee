import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, sourceFiles, withoutComments } from "@/lib/testing/source-files";

// The census of raw SQL in app code (app/, lib/, db/; tests and lib/testing left out). Each file
// that may run raw statements is listed with two counts:
// - raw: statements run through `execute(sql…)` or `query(…)`. Plain single-table reads and writes
//   belong in drizzle's query builder, where a renamed column fails tsc; raw SQL is kept for locks,
//   CTEs, window functions, bulk unnest and the prepared order path.
// - unmapped: those typed by a type argument (`execute<T>()`), a cast nothing checks, instead of a
//   row mapper (db/rows.ts).
// A new file with raw SQL, or one more statement in a listed file, fails here: say why in review
// and raise the count. A count that went down fails too, so the table only ever shrinks.
const ALLOWED: Record<string, [raw: number, unmapped: number]> = {
  "app/api/health/route.ts": [1, 0],
  "lib/api/keys.ts": [1, 0],
  "lib/api/read.ts": [1, 0],
  "lib/audit/list.ts": [2, 0],
  "lib/auth/sms-code.ts": [1, 0],
  "lib/auth/throttle.ts": [2, 0],
  "lib/cache/bus.ts": [3, 0],
  "lib/customers/summary.ts": [1, 0],
  "lib/jobs/backlog.ts": [2, 0],
  "lib/jobs/index.ts": [2, 0],
  "lib/jobs/stuck.ts": [3, 0],
  "lib/ledger/reports.ts": [6, 0],
  "lib/ledger/verify.ts": [1, 0],
  "lib/merchants/alliances.ts": [10, 0],
  "lib/merchants/closing.ts": [3, 0],
  "lib/merchants/dashboard.ts": [2, 0],
  "lib/merchants/live.ts": [1, 0],
  "lib/merchants/onboarding.ts": [1, 0],
  "lib/merchants/profile.ts": [1, 0],
  "lib/merchants/settlement.ts": [1, 0],
  "lib/merchants/store.ts": [1, 0],
  "lib/notifications/deliver.ts": [1, 0],
  "lib/notifications/notify.ts": [2, 0],
  "lib/observability/cluster-metrics.ts": [1, 0],
  "lib/operator/charts.ts": [1, 0],
  "lib/operator/merchant-detail.ts": [1, 0],
  "lib/operator/overview.ts": [1, 0],
  "lib/operator/search.ts": [1, 0],
  "lib/orders/customer-orders.ts": [2, 0],
  "lib/orders/freed.ts": [1, 0],
  "lib/orders/pay.ts": [1, 0],
  "lib/orders/query-pending.ts": [1, 0],
  "lib/orders/rate-limit.ts": [1, 0],
  "lib/orders/refund-provider.ts": [3, 0],
  "lib/orders/refund.ts": [1, 0],
  "lib/orders/store-orders.ts": [4, 0],
  "lib/points/adjust-view.ts": [2, 0],
  "lib/points/adjust.ts": [2, 0],
  "lib/points/expire.ts": [2, 0],
  "lib/points/expiry-warning.ts": [2, 0],
  "lib/points/history.ts": [1, 0],
  "lib/points/lots.ts": [1, 0],
  "lib/points/release.ts": [3, 0],
  "lib/privacy/deletion.ts": [5, 0],
  "lib/privacy/export.ts": [1, 0],
  "lib/privacy/requests.ts": [1, 0],
  "lib/queue/drain.ts": [4, 0],
  "lib/queue/draw-view.ts": [2, 0],
  "lib/queue/leave.ts": [1, 0],
  "lib/queue/move.ts": [4, 0],
  "lib/queue/payable.ts": [1, 0],
  "lib/queue/position.ts": [1, 0],
  "lib/queue/ready.ts": [2, 0],
  "lib/queue/sweep.ts": [1, 0],
  "lib/queue/table.ts": [1, 0],
  "lib/reconcile/ledger-side.ts": [2, 0],
  "lib/reconcile/run.ts": [1, 0],
  "lib/reconcile/transfers.ts": [1, 0],
  "lib/wallet/history.ts": [4, 0],
  "lib/wallet/withdrawal-transfer.ts": [1, 0],
  "lib/worker/heartbeat.ts": [2, 0],
  "lib/worker/unlock.ts": [1, 0],
  "db/index.ts": [2, 0],
  "db/migrate.ts": [2, 0],
  // builtOnce runs a drizzle query built once, with its values (its rows mapped by drizzle).
  "db/prepared.ts": [1, 0],
  "db/readiness.ts": [1, 0],
};

const RAW = /\.(?:execute|query)\s*(?:<[^()]*>)?\s*\((?!\s*\))/g;
const UNMAPPED = /\.(?:execute|query)\s*</g;
// lib/testing is test code; embedded-pg and migrations are the database's own tooling.
const SKIP = ["testing", "embedded-pg", "migrations"];

function census(): Record<string, [number, number]> {
  const found: Record<string, [number, number]> = {};
  for (const file of ["app", "lib", "db"].flatMap((d) => sourceFiles(d, SKIP))) {
    const text = withoutComments(fs.readFileSync(path.join(ROOT, file), "utf8"));
    const raw = text.match(RAW)?.length ?? 0;
    const unmapped = text.match(UNMAPPED)?.length ?? 0;
    if (raw > 0 || unmapped > 0) found[file] = [raw, unmapped];
  }
  return found;
}

describe("raw SQL census", () => {
  it("finds exactly the raw statements the table allows, file by file", () => {
    const found = census();
    const table = Object.entries(found)
      .map(([f, [r, u]]) => `  "${f}": [${r}, ${u}],\n`)
      .join("");
    expect(found, `update ALLOWED in db/raw-sql.test.ts only on purpose; today's census:\n${table}`).toEqual(ALLOWED);
  });

  it("counts a typed raw read, a plain write and a mapped read, and skips comments and builder calls", () => {
    const text = withoutComments(`
      // not this: x.query(
      await tx.execute<{ id: number }>(sql\`select id from t\`);
      await tx.execute(sql\`update t set a = 1\`);
      mapRows(await db.execute(sql\`select 1\`), (r) => r.int("x"));
      await db.select().from(t).execute();`);
    expect([text.match(RAW)?.length, text.match(UNMAPPED)?.length]).toEqual([3, 1]);
  });
});
