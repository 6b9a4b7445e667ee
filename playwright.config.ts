import fs from "node:fs";
import { defineConfig } from "@playwright/test";
import { E2E_BASE_URL, E2E_PORT, e2eServerEnv } from "./e2e/test-env";

// Test tooling, read by Playwright in plain Node: it takes the one variable it hands to the web server
// from process.env, as e2e/test-env.ts does (lib/env.ts is server-only; the app validates it there).
const DATABASE_URL = process.env.DATABASE_URL;

// `npm test` (scripts/test.ts) prepares a fresh migrated and seeded database and runs Playwright
// with DATABASE_URL pointing at it. The webServer starts before globalSetup, so the database
// cannot be prepared here. Running `npm run test:e2e` alone needs `next build` and DATABASE_URL
// set to a migrated, seeded database that the run may change.
if (!DATABASE_URL) {
  throw new Error(
    "playwright: DATABASE_URL is not set. Run `npm test` (it prepares a database), or point " +
      "DATABASE_URL at a migrated and seeded database.",
  );
}

// Every journey is checked for accessibility through e2e/test.ts's `test`; a spec that imports
// `test` straight from @playwright/test would silently skip those checks, so it is refused here.
const unchecked = fs
  .readdirSync("e2e")
  .filter((f) => f.endsWith(".e2e.ts"))
  .filter((f) => /import\s*\{[^}]*\btest\b[^}]*\}\s*from\s*["']@playwright\/test["']/.test(fs.readFileSync(`e2e/${f}`, "utf8")));
if (unchecked.length > 0) {
  throw new Error(`playwright: import test from "./test" (the accessibility-checked fixture), not @playwright/test, in: ${unchecked.join(", ")}`);
}

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.e2e.ts",
  fullyParallel: false,
  workers: 1,
  // No retries: a flaky journey is a bug to fix, and a retry would hide a double payment.
  retries: 0,
  forbidOnly: true,
  reporter: [["list"]],
  // Each new kind of page also gets an axe pass (e2e/axe.ts), which a loaded 2-core machine feels
  // (a page sweep meets most kinds of page at once).
  timeout: 240_000,
  expect: { timeout: 10_000 },
  use: {
    // The journeys are a Chinese phone's: its browser asks for Chinese (Accept-Language), which a
    // visitor without the language cookie is served. English journeys set the cookie or an en locale.
    locale: "zh-CN",
    // localhost, not 127.0.0.1: the auth cookies are issued for the host the app sees.
    baseURL: E2E_BASE_URL,
    headless: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // No browser downloads on these machines: Debian's chromium (apt-get install chromium).
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // The app and, beside it as under `npm start`, the durable job runner (refunds reach the
    // provider through it). Both are in the command's process group, which Playwright stops.
    command: `sh -c 'node_modules/.bin/tsx --import ./scripts/lib/server-only.mjs scripts/worker.ts & exec node node_modules/next/dist/bin/next start -p ${E2E_PORT}'`,
    url: `${E2E_BASE_URL}/`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: e2eServerEnv(E2E_PORT, DATABASE_URL),
  },
});
