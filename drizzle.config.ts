import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` uses this; it needs no database. Migrations are applied by
// scripts/migrate.ts through drizzle-orm's migrator.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});
