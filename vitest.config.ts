import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// `npm test` (scripts/test.ts) runs this with DATABASE_URL pointing at a fresh, migrated database.
export default defineConfig({
  // `@/x` -> `<root>/x`, as in tsconfig paths (vite-tsconfig-paths is not installed).
  resolve: { alias: [{ find: /^@\//, replacement: root }] },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/.next/**", "e2e/**", ".data/**"],
    // Integration tests share one database and one pool: run files one after another.
    pool: "forks",
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
