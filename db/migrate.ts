import "server-only";
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { Logger, runMigrations as installJobSchema } from "graphile-worker";
import pg from "pg";

/** graphile-worker's own messages about its schema are noise at start-up; errors still throw. */
const quiet = new Logger(() => () => {});

/**
 * Applies the committed migrations in db/migrations to the given database, then installs (or
 * upgrades) the durable job runner's schema `graphile_worker`, so every migrated database can take
 * jobs (lib/jobs) in the same transaction as the business event that makes them. It holds a session
 * advisory lock and graphile-worker's installer uses named statements: give it a direct connection
 * (DATABASE_DIRECT_URL), never a transaction pooler's.
 */
export async function runMigrations(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    // Two processes starting at once must not both migrate.
    await client.query("select pg_advisory_lock(727274)");
    await migrate(drizzle(client), { migrationsFolder: path.join(process.cwd(), "db/migrations") });
    await installJobSchema({ connectionString, logger: quiet });
  } finally {
    await client.query("select pg_advisory_unlock(727274)").catch(() => {});
    await client.end();
  }
}
