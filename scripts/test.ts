// `npm test`: the one test command. `npm test -- --unit-only` is the fast loop: lint, the import
// layers and the pure tests, with no database, no build and no browser.
//
// 1. Lint (`npm run lint`) and the import layers (`npm run deps`), side by side (and, with
//    --unit-only, beside the pure tests): one pass or one failure each.
// 2. A Postgres server: DATABASE_URL's server when set (CI: the local Postgres 15), else the
//    embedded one (db/embedded.ts).
// 3. Vitest: the unit project (pure, in parallel) and the db project (`*.db.test.ts`, in series)
//    against a fresh migrated database `freeline_test_<ts>`.
// 4. `next build`, then Playwright against another fresh database `freeline_e2e_<ts>`, migrated and
//    seeded here: Playwright's webServer starts before its globalSetup, so it cannot do it.
// 5. The outage drill and the topology smoke test (scripts/topology.ts --smoke) on the same build.
// 6. Drops both databases and prints `N passed, M failed` as the last line.
//
// `npm test -- --only FILE...` runs the same steps for just those files: vitest for `*.test.ts`,
// the build and Playwright for `*.e2e.ts` (skipped when none is named), and no outage drill. It is
// the loop for one change; CI always runs everything.
//
// A standalone node process: it reads process.env only to build its children's environment.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { EmbeddedPostgres } from "@/db/embedded";
// The database, migration and e2e modules are imported where they are used: the fast loop
// (--unit-only) needs none of them, and loading them cost it seconds.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** tsx's flag for running server code outside Next (modules that `import "server-only"`). */
const SERVER_CODE = ["--import", "./scripts/lib/server-only.mjs"];
process.chdir(root); // runMigrations and the tools resolve paths from the project root

const USAGE = "usage: npm test [-- --unit-only | --only FILE...]";
const args = process.argv.slice(2);
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? args.slice(onlyAt + 1) : undefined;
const flags = onlyAt >= 0 ? args.slice(0, onlyAt) : args;
const unknown = flags.filter((a) => a !== "--unit-only");
const misnamed = (only ?? []).filter((f) => !/\.(test|e2e)\.ts$/.test(f) || !fs.existsSync(f));
if (unknown.length > 0 || misnamed.length > 0 || (only && only.length === 0)) {
  if (unknown.length > 0) console.error(`unknown argument(s): ${unknown.join(" ")}`);
  if (misnamed.length > 0) console.error(`not a test file here (*.test.ts or *.e2e.ts): ${misnamed.join(" ")}`);
  console.error(USAGE);
  process.exit(2);
}
const unitOnly = flags.includes("--unit-only");
/** `--only`: the vitest files and the Playwright files to run (undefined: all of them). */
const onlyVitest = only?.filter((f) => f.endsWith(".test.ts"));
const onlyE2e = only?.filter((f) => f.endsWith(".e2e.ts"));

const stamp = Date.now();
const testDb = `freeline_test_${stamp}`;
const e2eDb = `freeline_e2e_${stamp}`;
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "freeline-test-"));

let passed = 0;
let failed = 0;
const notes: string[] = [];
let embedded: EmbeddedPostgres | undefined;
let adminUrl: string | undefined;
const created: string[] = [];
/** The tools running now (the fast loop runs three side by side). */
const running = new Set<ChildProcess>();

function header(title: string): void {
  console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 70 - title.length))}`);
}

async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    console.log(`[test] ${name}: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
}

/** Runs a project binary with inherited stdio; resolves to its exit code. */
function run(bin: string, binArgs: string[], childEnv: Record<string, string>): Promise<number> {
  return runCommand(path.join(root, "node_modules", ".bin", bin), binArgs, childEnv, bin);
}

/**
 * Runs `npm run <script>`, exactly as a developer runs it; resolves to its exit code. `buffered`:
 * collects its output, for a check that runs beside others and prints it whole when it ends.
 */
function runScript(script: string, childEnv: Record<string, string> = {}, buffered?: Buffer[]): Promise<number> {
  return runCommand(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", script], childEnv, `npm run ${script}`, buffered);
}

/** `output`: collects the child's stdout and stderr instead of passing them through. */
function runCommand(command: string, binArgs: string[], childEnv: Record<string, string>, bin: string, output?: Buffer[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, binArgs, {
      stdio: output ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...childEnv },
    });
    child.stdout?.on("data", (chunk: Buffer) => output?.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => output?.push(chunk));
    running.add(child);
    child.on("error", (err) => {
      console.error(`[test] could not run ${bin}: ${err.message}`);
      resolve(127);
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** The first port from `start` on that nothing listens on (another suite may be running). */
async function freePort(start: number): Promise<number> {
  for (let port = start; port < start + 100; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${start}..${start + 99}`);
}

function urlFor(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabase(name: string): Promise<string> {
  await admin((c) => c.query(`create database ${c.escapeIdentifier(name)}`));
  created.push(name);
  const url = urlFor(adminUrl!, name);
  const { runMigrations } = await import("@/db/migrate");
  await runMigrations(url);
  return url;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Counts a tool's result; a non-zero exit with no failing test still counts as one failure. */
function tally(tool: string, code: number, ok: number, bad: number, missingReport: boolean): void {
  passed += ok;
  failed += bad;
  if (code !== 0 && bad === 0) {
    failed += 1;
    notes.push(`${tool} exited with code ${code}${missingReport ? " before writing its report" : ""} (counted as 1 failure)`);
  }
}

/**
 * A check that counts as one pass or one failure: lint, the import layers. They run side by side
 * (with the pure tests in the fast loop), so each prints its output whole when it ends.
 */
async function runCheck(title: string, script: string): Promise<void> {
  const t0 = Date.now();
  const output: Buffer[] = [];
  const code = await runScript(script, {}, output);
  header(title);
  process.stdout.write(Buffer.concat(output));
  console.log(`[test] ${script}: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  tally(script, code, code === 0 ? 1 : 0, code === 0 ? 0 : 1, false);
}

/** Lint and the import layers, side by side. */
function runChecks(): Promise<unknown> {
  return Promise.all([runCheck("lint (eslint)", "lint"), runCheck("import layers (dependency-cruiser)", "deps")]);
}

/** Both vitest projects against `url`, or (no url) the unit project alone, with no database. */
async function runVitest(url: string | undefined): Promise<void> {
  header(url ? "unit and integration tests (vitest)" : "unit tests (vitest, no database)");
  const report = path.join(outDir, "vitest.json");
  const projectArgs = url ? [] : ["--project", "unit"];
  if (onlyVitest?.length === 0) return;
  const code = await phase("vitest", () =>
    run("vitest", ["run", ...projectArgs, ...(onlyVitest ?? []), "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], {
      ...(url ? { DATABASE_URL: url } : {}),
      NODE_ENV: "test",
    }),
  );
  const r = readJson<{ numPassedTests: number; numFailedTests: number }>(report);
  tally("vitest", code, r?.numPassedTests ?? 0, r?.numFailedTests ?? 0, !r);
  console.log(`[test] vitest: ${r?.numPassedTests ?? 0} passed, ${r?.numFailedTests ?? 0} failed`);
}

async function runE2e(): Promise<void> {
  header("e2e database (migrate + seed)");
  const url = await phase("e2e database", async () => {
    const u = await createDatabase(e2eDb);
    const { seedDemo } = await import("./lib/demo-seed");
    await seedDemo(u);
    return u;
  });

  const { E2E_SECRETS } = await import("@/e2e/test-env");
  const appEnv = { DATABASE_URL: url, NODE_ENV: "production", AUTH_TRUST_HOST: "true", ...E2E_SECRETS };

  if (interrupted) return;
  header("production build (next build)");
  const buildCode = await phase("next build", () => run("next", ["build"], appEnv));
  if (buildCode !== 0) {
    failed += 1;
    notes.push(`next build failed (exit ${buildCode}); the browser tests did not run (counted as 1 failure)`);
    return;
  }

  if (interrupted) return;
  header("browser tests (playwright)");
  const report = path.join(outDir, "playwright.json");
  const port = await freePort(3100);
  const code = await phase("playwright", () =>
    run("playwright", ["test", "--reporter=list,json", ...(onlyE2e ?? [])], {
      E2E_PORT: String(port),
      DATABASE_URL: url,
      NODE_ENV: "test",
      PLAYWRIGHT_JSON_OUTPUT_FILE: report,
    }),
  );
  const r = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>(report);
  const ok = (r?.stats.expected ?? 0) + (r?.stats.flaky ?? 0);
  const bad = r?.stats.unexpected ?? 0;
  tally("playwright", code, ok, bad, !r);
  console.log(`[test] playwright: ${ok} passed, ${bad} failed`);

  // Everything the journeys did through the browser must leave the books straight (SPEC I1–I8).
  header("ledger:verify on the e2e database");
  const verifyCode = await phase("ledger:verify", () => runScript("ledger:verify", { DATABASE_URL: url }));
  tally("ledger:verify", verifyCode, verifyCode === 0 ? 1 : 0, verifyCode === 0 ? 0 : 1, false);

  // The production topology on the same build: haproxy, two instances, pgbouncer, a primary with
  // a synchronous standby, the worker; one order through haproxy, a failover (SIGKILL, promote) and
  // the old primary rebuilt as a standby, then everything torn down
  // (scripts/topology.ts --smoke, about a minute). Its chaos run (`npm run chaos -- --topology`)
  // takes minutes and stays out of the suite.
  if (interrupted || only) return;
  header("topology smoke test (haproxy, pgbouncer, primary + standby)");
  const topoCode = await phase("topology smoke", () => run("tsx", [...SERVER_CODE, "scripts/topology.ts", "--smoke", "--no-build"], { NODE_ENV: "test" }));
  tally("topology smoke", topoCode, topoCode === 0 ? 1 : 0, topoCode === 0 ? 0 : 1, false);

  // The same build against a throwaway Postgres that is crashed and restarted: pages and routes
  // answer 503 with Retry-After while it is down, and the same process serves again by itself.
  if (interrupted || only) return;
  header("outage drill (Postgres crash and restart under next start)");
  const drillCode = await phase("outage drill", () => run("tsx", [...SERVER_CODE, "lib/testing/outage-drill.ts", root], { NODE_ENV: "production" }));
  tally("outage drill", drillCode, drillCode === 0 ? 1 : 0, drillCode === 0 ? 0 : 1, false);
}

async function cleanup(): Promise<void> {
  if (adminUrl && created.length > 0) {
    await admin(async (c) => {
      for (const name of created) {
        await c.query(`drop database if exists ${c.escapeIdentifier(name)} with (force)`).catch((err: Error) => {
          console.error(`[test] could not drop ${name}: ${err.message}`);
        });
      }
    }).catch((err: Error) => console.error(`[test] could not drop the test databases: ${err.message}`));
  }
  await embedded?.stop();
  fs.rmSync(outDir, { recursive: true, force: true });
}

function summary(): void {
  for (const note of notes) console.log(`[test] note: ${note}`);
  console.log(`${passed} passed, ${failed} failed`);
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n[test] ${signal}: stopping`);
    for (const child of running) child.kill(signal);
    void (async () => {
      // Give the children a moment to shut their own children (Playwright's web server) down.
      for (let i = 0; i < 100 && running.size > 0; i++) await new Promise((r) => setTimeout(r, 100));
      await cleanup();
      notes.push(`interrupted by ${signal}`);
      failed = Math.max(failed, 1);
      summary();
      process.exit(130);
    })();
  });
}

/** Everything that needs Postgres: vitest's two projects, then the build and the browser. */
async function runDatabaseSuites(): Promise<void> {
  header("database server");
  await phase("database server", async () => {
    const { env } = await import("@/lib/env");
    if (env.DATABASE_URL) {
      adminUrl = urlFor(env.DATABASE_URL, "postgres");
      console.log(`[test] using DATABASE_URL's server (${new URL(env.DATABASE_URL).host})`);
    } else {
      const { startEmbeddedPostgres } = await import("@/db/embedded");
      embedded = await startEmbeddedPostgres({ handleSignals: false });
      adminUrl = embedded.urlFor("postgres");
      console.log(`[test] using the embedded Postgres on port ${embedded.port}`);
    }
    await admin((c) => c.query("select 1"));
  });

  header(`test database ${testDb}`);
  const testUrl = await phase("test database (create + migrate)", () => createDatabase(testDb));

  await runVitest(testUrl);
  if (!interrupted && onlyE2e?.length !== 0) await runE2e();
}

const started = Date.now();
try {
  if (unitOnly) {
    // Nothing here shares a database or a file: the three run at once.
    await Promise.all([runChecks(), runVitest(undefined)]);
    if (!interrupted) console.log("\n[test] --unit-only: no database, no next build, no browser tests");
  } else {
    await runChecks();
    if (!interrupted) await runDatabaseSuites();
  }
} catch (err) {
  failed += 1;
  notes.push(`set-up failed: ${(err as Error).message}`);
  console.error(err);
}

if (!interrupted) {
  await cleanup();
  console.log(`\n[test] total: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  summary();
  process.exit(failed > 0 ? 1 : 0);
}
