import "server-only";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Db } from "./index";
import { mapFirst } from "./rows";

/**
 * Whether this instance should take traffic: the database answers, and every migration this build
 * ships (db/migrations/meta/_journal.json) is applied there. A new build started against a database
 * not yet migrated is not ready, so a load balancer keeps the old instances until `npm run
 * db:migrate` (or `npm start`) has run.
 */
export type Readiness = { ready: true } | { ready: false; reason: "database" | "migrations"; detail: string };

let shipped: number | null = null;

/** How many migrations this build ships (read once: the files do not change under a running build). */
function shippedMigrations(): number {
  if (shipped === null) {
    const journal = JSON.parse(fs.readFileSync(path.join(process.cwd(), "db/migrations/meta/_journal.json"), "utf8")) as { entries: unknown[] };
    shipped = journal.entries.length;
  }
  return shipped;
}

export async function readiness(db: Db): Promise<Readiness> {
  let applied: number;
  try {
    // drizzle's migrator records each applied migration in drizzle.__drizzle_migrations.
    const res = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    applied = mapFirst(res, (r) => r.int("n")) ?? 0;
  } catch (e) {
    return { ready: false, reason: "database", detail: e instanceof Error ? e.message : String(e) };
  }
  const want = shippedMigrations();
  return applied >= want ? { ready: true } : { ready: false, reason: "migrations", detail: `${applied} of ${want} migrations applied` };
}
