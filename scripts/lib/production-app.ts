// The production app on a fresh seeded database, for the scripts that look at it in a browser
// (npm run audit:ui, npm run screenshots). Not a test helper: nothing here asserts.
//
// - Database: a new `freeline_ui_<ts>` on DATABASE_URL's server when set, else on the embedded
//   Postgres (db/embedded.ts); migrated, seeded, dropped at the end.
// - `next build` (skip with --no-build to reuse .next/), then `next start` on a free port with
//   throwaway secrets.
// - signIn(): a demo user's session cookie, through the real login form.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "@playwright/test";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { seedDemo } from "./demo-seed";
import { env } from "@/lib/env";
import { freePort } from "@/lib/testing/throwaway-postgres";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export type ProductionApp = { baseUrl: string; stop(): Promise<void> };

const log = (m: string) => console.log(`[app] ${m}`);

function run(bin: string, args: string[], childEnv: Record<string, string>, inherit = true): ChildProcess {
  return spawn(path.join(root, "node_modules", ".bin", bin), args, {
    cwd: root,
    stdio: inherit ? "inherit" : "ignore",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...childEnv },
  });
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Builds (unless --no-build) and starts the app on a fresh seeded database. */
export async function startProductionApp(): Promise<ProductionApp> {
  process.chdir(root);
  let embedded: EmbeddedPostgres | undefined;
  let adminUrl: string;
  if (env.DATABASE_URL) {
    const u = new URL(env.DATABASE_URL);
    u.pathname = "/postgres";
    adminUrl = u.toString();
  } else {
    embedded = await startEmbeddedPostgres({ handleSignals: false });
    adminUrl = embedded.urlFor("postgres");
  }
  const dbName = `freeline_ui_${Date.now()}`;
  await adminQuery(adminUrl, `create database "${dbName}"`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const url = dbUrl.toString();
  log(`database ${dbName}: migrate + seed`);
  await runMigrations(url);
  await seedDemo(url);

  const appEnv = {
    DATABASE_URL: url,
    NODE_ENV: "production",
    AUTH_TRUST_HOST: "true",
    AUTH_SECRET: randomBytes(32).toString("hex"),
    CRON_SECRET: randomBytes(32).toString("hex"),
    PAYMENT_DEV_SECRET: randomBytes(32).toString("hex"),
  };
  if (!process.argv.includes("--no-build")) {
    log("next build");
    const code = await new Promise<number>((resolve) => run("next", ["build"], appEnv).on("close", (c) => resolve(c ?? 1)));
    if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  }

  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const serverEnv = { ...appEnv, PORT: String(port), APP_INTERNAL_URL: baseUrl, PUBLIC_URL: baseUrl };
  const server = run("next", ["start", "-p", String(port)], serverEnv, false);
  // The job runner, as in production: without it a payment's drain (and the notices it writes) never runs.
  const worker = run("tsx", ["--import", "./scripts/lib/server-only.mjs", "scripts/worker.ts"], serverEnv, false);
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 120 || server.exitCode !== null) throw new Error("next start did not come up");
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`serving ${baseUrl}`);

  return {
    baseUrl,
    async stop() {
      server.kill("SIGTERM");
      worker.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      await adminQuery(adminUrl, `drop database if exists "${dbName}" with (force)`).catch((e: Error) => log(`could not drop ${dbName}: ${e.message}`));
      await embedded?.stop();
    },
  };
}

/** Signs a demo user in through the login form, in a new context of a Playwright Chromium. */
export async function signedInContext(
  baseUrl: string,
  user: { username: string; password: string },
  opts: Parameters<import("@playwright/test").Browser["newContext"]>[0] = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ baseURL: baseUrl, ...opts });
  const page = await context.newPage();
  await page.goto("/login?next=/me");
  await page.fill('input[name="identifier"]', user.username);
  await page.fill('input[name="password"]', user.password);
  await page.locator('main button[type="submit"]').click();
  await page.waitForURL((u) => u.pathname === "/me");
  await page.close();
  return { context, close: () => browser.close() };
}

/** The Cookie header of a signed-in context, for tools that take headers (Lighthouse). */
export async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}
