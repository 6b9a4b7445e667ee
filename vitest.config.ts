import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/** A test file that needs Postgres says so in its name: `*.db.test.ts` (docs/architecture.md). */
const DB_TESTS = "**/*.db.test.ts";

// `npm test` (scripts/test.ts) runs both projects with DATABASE_URL pointing at a fresh, migrated
// database; `npm test -- --unit-only` runs the unit project alone, with no database at all.
export default defineConfig({
  resolve: {
    alias: [
      // `@/x` -> `<root>/x`, as in tsconfig paths (vite-tsconfig-paths is not installed).
      { find: /^@\//, replacement: root },
      // Modules that reach the database `import "server-only"`, whose default entry throws outside
      // React's server environment; Next resolves it to this empty module for server code, and so
      // do the tests (scripts use scripts/lib/server-only.mjs).
      { find: /^server-only$/, replacement: `${root}node_modules/server-only/empty.js` },
    ],
  },
  test: {
    environment: "node",
    exclude: ["**/node_modules/**", "**/.next/**", "e2e/**", ".data/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [DB_TESTS, "**/node_modules/**", "**/.next/**", "e2e/**", ".data/**"],
          // Pure rules: files run in parallel, and none can reach a database (a test that does fails
          // with "DATABASE_URL is not set": rename it *.db.test.ts).
          setupFiles: ["lib/testing/no-database.ts"],
          // Pure modules hold no state a test leaves behind, so the files of one worker share the
          // modules they import instead of loading them again for each file (most of this project's
          // CPU time went there). Threads start faster than forks.
          pool: "threads",
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "db",
          include: [DB_TESTS],
          // Integration tests share one database and one pool: run files one after another.
          pool: "forks",
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
