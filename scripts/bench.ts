// `npm run bench`: Freeline measured against the database's own limit, in one run.
//
//   npm run bench                 full run (about 6–8 minutes on 2 cores)
//   npm run bench -- --smoke      tiny sizes, a few seconds a phase (checks that every phase works)
//   npm run bench -- --skip-build reuse the existing .next build
//   npm run bench -- --cpu-prof   also write a V8 CPU profile of the server and print its top functions
//   npm run bench -- --heap-snapshot  also take a heap snapshot of the server after the store page phase and sum it up
//   npm run bench -- --keep-db    do not drop the bench database at the end
//   npm run bench -- --only=pos   run only some phases (ref, pos, floor, action, steps, hot, page, render, drain, position)
//
// It creates a fresh database `freeline_bench_<ts>` on DATABASE_URL's server (default: the local
// postgres://postgres@127.0.0.1:5432), migrates it, seeds 100 stores and 10,000 customers with
// set-based SQL, runs `next build` and `next start` on a free port, runs the phases (main() lists
// them; each lives in scripts/bench/), prints a table, writes bench-results.json, and drops the
// database. See docs/performance.md.
//
// A standalone node process: it reads process.env to configure itself and its children.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { dbClock } from "./bench/db-time";
import { closeAgent } from "./bench/load";
import { loadAvg, log } from "./bench/log";
import type { Bench } from "./bench/measure";
import { awaitHeapSnapshot, summariseHeapSnapshot } from "./bench/heap";
import { renderedPage, storePage } from "./bench/pages";
import { report } from "./bench/results";
import { freePort, runToEnd, startServer, summariseCpuProfiles, type Server } from "./bench/server";
import { SERVER_NODE_ARGS } from "./lib/server-node-args";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const argv = process.argv.slice(2);
const smoke = argv.includes("--smoke");
const skipBuild = argv.includes("--skip-build");
const cpuProf = argv.includes("--cpu-prof");
const heapSnapshot = argv.includes("--heap-snapshot");
const keepDb = argv.includes("--keep-db");
// --node-args="--max-old-space-size=200 …": V8 flags for the server instead of those the app ships
// with (scripts/lib/server-node-args.ts), to try a setting in a run of its own; --node-args= for none.
const nodeArgsFlag = argv.find((a) => a.startsWith("--node-args="))?.slice("--node-args=".length);
// --only=pos,page: run only these phases (ref, pos, floor, action, steps, hot, page, render, drain, position), e.g. to
// take a CPU profile of one path; skipped figures come out as null. `steps` (not in a default run's
// figures, but run by default) measures the checkout's three requests one at a time.
const only = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const want = (phase: string) => !only || only.includes(phase);

const SIZES = smoke
  ? { stores: 10, customers: 500, loadS: 3, warmS: 1, drainEntries: 2_000, drainCover: 1_000, positionEntries: 20_000, positionS: 3 }
  : { stores: 100, customers: 10_000, loadS: 15, warmS: 3, drainEntries: 100_000, drainCover: 50_000, positionEntries: 1_000_000, positionS: 20 };
const CONCURRENCY = 32;

const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `freeline_bench_${Date.now()}`;
const adminUrl = new URL(serverUrl);
adminUrl.pathname = "/postgres";
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${dbName}`;

const secrets = {
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  CRON_SECRET: randomBytes(32).toString("base64url"),
  PAYMENT_DEV_SECRET: randomBytes(32).toString("base64url"),
};
// Set before the app's modules load: lib/env.ts reads process.env once, at import.
Object.assign(process.env, secrets, { DATABASE_URL: benchUrl.toString(), DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX ?? "10" });

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "freeline-bench-"));
const serverLog = path.join(outDir, "server.log");
const profDir = path.join(outDir, "cpu-prof");
const heapDir = path.join(outDir, "heap");

let server: Server | undefined;
let dbCreated = false;

async function main(): Promise<void> {
  const t0 = Date.now();
  log(`${smoke ? "SMOKE run" : "full run"}; machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; load ${loadAvg()}`);
  log(`database ${dbName} on ${adminUrl.host}; logs in ${outDir}`);
  const pgVersion = await createDatabase();

  // The app's modules only now, after DATABASE_URL points at the bench database: lib/env.ts reads
  // process.env once, at import, and a static import would run before the assignment above.
  const { runMigrations } = await import("@/db/migrate");
  await runMigrations(benchUrl.toString());
  const { db, pool: appPool } = await import("@/db");
  const { seedBench } = await import("./bench/seed");
  const { referenceOrder, referencePool } = await import("./bench/reference");
  const { frameworkFloor, hotStore, posOrders, referenceOrders } = await import("./bench/orders");
  const { browserCheckout, checkoutClient, checkoutSteps, createOrderActionId } = await import("./bench/checkout");
  const { positionLookup, queueDrain } = await import("./bench/queue");

  const raw = new pg.Pool({ connectionString: benchUrl.toString(), max: 4 });
  raw.on("error", () => {});
  const t = Date.now();
  const { stores, drainStore, positionStore, customers, platform } = await seedBench(db, raw, SIZES);
  log(`seeded ${stores.length} stores, ${customers.length} customers in ${((Date.now() - t) / 1000).toFixed(1)} s (Postgres ${pgVersion})`);

  const running = await buildAndStart();
  server = running;
  const actionId = createOrderActionId(root);

  const refPool = referencePool(benchUrl.toString(), CONCURRENCY);
  const refOrder = referenceOrder(refPool, platform);
  // Database time per order (orders.db_ms_ratio) and next-server CPU per order, over each order
  // phase's measured window: figures the shared cores blur less than throughput.
  const clock = await dbClock(raw);
  log(`database time from ${clock.source}`);
  const b: Bench = {
    sizes: SIZES,
    concurrency: CONCURRENCY,
    want,
    base: running.url,
    raw,
    stores,
    customers,
    clock,
    serverCpu: () => server?.cpuMs() ?? 0,
  };

  const ref = await referenceOrders(b, refOrder);
  const pos = await posOrders(b);
  const floor = await frameworkFloor(b);
  const checkout = await checkoutClient(b, actionId, secrets.AUTH_SECRET);
  const act = await browserCheckout(b, checkout);
  await checkoutSteps(b, checkout);
  const { refHot, posHot } = await hotStore(b, refOrder);
  await refPool.end();

  const page = await storePage(b);
  // Read before the rendered page, whose renders grow the heap: the RSS figure stays the one of
  // the phases above.
  const rssMb = running.peakRssMb();
  const heap = heapSnapshot ? await snapshotHeap(running) : undefined;
  const rendered = await renderedPage(b);
  await running.stop();
  server = undefined;
  closeAgent();

  const drain = await queueDrain(b, drainStore);
  const position = await positionLookup(b, positionStore);
  await raw.end();
  await appPool().end();

  report(
    { ref, pos, floor, act, refHot, posHot, page, rendered, rssMb, drain, position },
    { root, smoke, t0, clockSource: clock.source },
  );
  if (cpuProf) {
    await new Promise((r) => setTimeout(r, 500));
    console.log("\nServer CPU profile, top functions by self time:\n" + summariseCpuProfiles(profDir));
  }
  if (heap) console.log(`\nServer heap after the store page phase (RSS peak ${rssMb.toFixed(0)} MB):\n${heap}`);
}

/** Signals the server to write a heap snapshot (it runs with --heapsnapshot-signal) and sums it up. */
async function snapshotHeap(running: Server): Promise<string> {
  const t = Date.now();
  running.child.kill("SIGUSR2");
  const file = await awaitHeapSnapshot(heapDir);
  log(`heap snapshot written in ${((Date.now() - t) / 1000).toFixed(1)} s: ${file}`);
  return summariseHeapSnapshot(file);
}

/** Creates the bench database; returns the server's version for the log. */
async function createDatabase(): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 10_000 });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  dbCreated = true;
  const ver = await admin.query<{ server_version: string }>(`show server_version`);
  await admin.end();
  return ver.rows[0]?.server_version;
}

/** `next build` (unless --skip-build finds one) and `next start` on a free port, with the bench's secrets. */
async function buildAndStart(): Promise<Server> {
  const appEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets,
    DATABASE_URL: benchUrl.toString(),
    AUTH_TRUST_HOST: "true",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (!skipBuild || !fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    const t = Date.now();
    log("next build ...");
    const code = await runToEnd(root, "next", ["build"], appEnv, path.join(outDir, "build.log"));
    if (code !== 0) throw new Error(`next build failed (exit ${code}); see ${path.join(outDir, "build.log")}`);
    log(`next build: ${((Date.now() - t) / 1000).toFixed(0)} s`);
  } else {
    log("--skip-build: using the existing .next build");
  }
  const port = await freePort();
  if (heapSnapshot) fs.mkdirSync(heapDir, { recursive: true });
  const serverEnv: NodeJS.ProcessEnv = {
    ...appEnv,
    PORT: String(port),
    APP_INTERNAL_URL: `http://localhost:${port}`,
    PUBLIC_URL: `http://localhost:${port}`,
  };
  const started = await startServer(root, port, serverEnv, serverLog, [
    ...(nodeArgsFlag === undefined ? SERVER_NODE_ARGS : nodeArgsFlag.split(/\s+/).filter(Boolean)),
    ...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
    ...(heapSnapshot ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${heapDir}`] : []),
  ]);
  log(`next start on ${started.url.origin}; RSS so far ${started.peakRssMb().toFixed(0)} MB`);
  return started;
}

async function cleanup(): Promise<void> {
  if (server) await server.stop().catch(() => {});
  closeAgent();
  if (dbCreated && !keepDb) {
    const admin = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 10_000 });
    try {
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      log(`dropped ${dbName}`);
    } catch (e) {
      console.error(`[bench] could not drop ${dbName}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await admin.end().catch(() => {});
    }
  } else if (dbCreated) {
    log(`--keep-db: ${benchUrl.toString()} kept`);
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  });
}

main()
  .then(cleanup)
  .then(() => process.exit(0))
  .catch(async (e: unknown) => {
    console.error(`[bench] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    console.error(`[bench] server log: ${serverLog}`);
    await cleanup();
    process.exit(1);
  });
