// `npm run chaos`: a fault-injection run that stops by itself within 10 minutes.
//
//   npm run chaos [-- --seed N] [--broken-drain] [--ops N] [--workers N] [--minutes N]
//
// The workload runs until --ops operations are done (default 40,000) or its time is up (--minutes,
// default 8, and in any case 8 minutes after the start), whichever comes first; in-flight requests
// then finish, but nothing is retried.
//
// Starts a private Postgres (never the machine's shared one) and two production instances of the
// app against it, drives a seeded random workload over HTTP while backends are terminated, Postgres
// crashes and restarts once and one instance is SIGKILLed in the middle of a drain; then runs the
// ledger verifier and holds every acknowledged answer against the database. Prints the seed and the
// figures, writes them to chaos-results.json, and exits 1 on any violation.
//
// --broken-drain starts the app with FREELINE_TEST_BROKEN_DRAIN=skip-lock (a test-only switch: the
// drain skips its queue lock), to prove the run catches it: it must report violations and exit 1.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { runMigrations } from "@/db/migrate";
import { startThrowawayPostgres, type Throwaway } from "@/lib/testing/throwaway-postgres";
import { checkRun, type CheckResult } from "./chaos/check";
import { AppInstance, appEnvironment, ensureBuild, freePort, JobWorker } from "./chaos/cluster";
import { Faults } from "./chaos/faults";
import { actionIds, callRoute } from "./chaos/http";
import { RunLog } from "./chaos/record";
import { Rng } from "./chaos/rng";
import { seedChaos } from "./chaos/seed";
import { Workload } from "./chaos/workload";
import { CRON_SECRET } from "@/e2e/test-env";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const HARD_LIMIT_MS = 10 * 60_000;
/** The workload ends by this long after the start at the latest, leaving time to settle, check and clean up. */
const WORKLOAD_END_MS = 8 * 60_000;

function parseArgs(argv: string[]) {
  const out = { seed: Math.floor(Math.random() * 2 ** 31), brokenDrain: false, ops: 40_000, workers: 16, minutes: 8 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${a} needs a whole number`);
      return v;
    };
    if (a === "--seed") out.seed = num();
    else if (a === "--broken-drain") out.brokenDrain = true;
    else if (a === "--ops") out.ops = num();
    else if (a === "--workers") out.workers = Math.max(1, num());
    else if (a === "--minutes") out.minutes = Math.max(1, num());
    else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

let args: ReturnType<typeof parseArgs>;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`${(e as Error).message}\nusage: npm run chaos [-- --seed N] [--broken-drain] [--ops N] [--workers N] [--minutes N]`);
  process.exit(2);
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s`;
const say = (s: string) => console.log(`[chaos ${elapsed()}] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const workDir = fs.mkdtempSync(path.join("/tmp", "freeline-chaos-"));
let pgx: Throwaway | undefined;
let monitor: pg.Pool | undefined;
const instances: AppInstance[] = [];
let jobWorker: JobWorker | undefined;

async function cleanup(): Promise<void> {
  await Promise.all(instances.map((i) => i.stop().catch(() => {})));
  await jobWorker?.stop().catch(() => {});
  await monitor?.end().catch(() => {});
  await pgx?.destroy().catch(() => {});
}

// The run stops by itself: past the hard limit it cleans up and fails.
const watchdog = setTimeout(() => {
  say(`FAILED: still running after ${HARD_LIMIT_MS / 60_000} minutes; stopping`);
  void cleanup().finally(() => process.exit(1));
}, HARD_LIMIT_MS - 20_000);
watchdog.unref();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    say(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  say(`seed ${args.seed}${args.brokenDrain ? " — BROKEN DRAIN (FREELINE_TEST_BROKEN_DRAIN=skip-lock): violations expected" : ""}`);
  say(`reproduce the plan with: npm run chaos -- --seed ${args.seed}${args.brokenDrain ? " --broken-drain" : ""}`);
  const build = await ensureBuild(root, say);

  pgx = await startThrowawayPostgres();
  const admin = new pg.Client({ connectionString: pgx.url() });
  await admin.connect();
  await admin.query("create database freeline_chaos");
  await admin.end();
  const url = pgx.url("freeline_chaos");
  await runMigrations(url);
  say(`private Postgres on port ${pgx.port}, migrated`);

  const seeded = await seedChaos(url, { stores: 40, customers: 100, bigOrders: 400 });
  say(`seeded: ${seeded.stores.length} stores (one hot, one manual with ${seeded.bigEntries} covered entries), ${seeded.customers.length} customers`);

  const ports = [await freePort(), await freePort()];
  for (const [k, port] of ports.entries()) {
    const name = k === 0 ? "app-A" : "app-B";
    const env = appEnvironment({ databaseUrl: url, selfUrl: `http://localhost:${port}`, brokenDrain: args.brokenDrain });
    instances.push(new AppInstance(name, port, root, env, path.join(workDir, `${name}.log`)));
  }
  await Promise.all(instances.map((i) => i.start()));
  jobWorker = new JobWorker(root, appEnvironment({ databaseUrl: url, selfUrl: instances[0]!.base, brokenDrain: args.brokenDrain }), path.join(workDir, "worker.log"));
  jobWorker.start();
  say(`two instances: ${instances.map((i) => i.base).join(", ")}, and the job worker (logs in ${workDir})`);

  monitor = new pg.Pool({ connectionString: url, max: 3, application_name: "chaos-monitor", connectionTimeoutMillis: 3_000 });
  monitor.on("error", () => {});

  const log = new RunLog();
  const rng = new Rng(args.seed);
  const workload = new Workload(instances, seeded, actionIds(), monitor, log, args.seed);
  const merchantStores = [seeded.hot, ...seeded.stores.filter((s) => s.kind === "normal").slice(0, 5)];
  const signedIn = await workload.login(rng, merchantStores, 40);
  say(`signed in over HTTP: ${signedIn} customers, ${merchantStores.length} merchants, the operator`);
  const release = await workload.releasePoints();
  say(`points release: ${release.kind}${release.kind === "ack" ? ` ${JSON.stringify(release.body)}` : ""}`);

  const faults = new Faults(pgx, monitor, new Rng(args.seed ^ 0x5eed));
  const pending: Promise<void>[] = [];
  const workloadStart = Date.now();
  const deadline = Math.min(started + WORKLOAD_END_MS, workloadStart + args.minutes * 60_000);
  const window = deadline - workloadStart;
  // The faults come at fixed points of the workload's progress: a fraction of its operations or of
  // its time, whichever comes first, so a fast machine that finishes its operations early still
  // gets every fault (one run on a quiet machine ended before the time-based SIGKILL was due).
  const progress = () => Math.max(workload.done / args.ops, (Date.now() - workloadStart) / window);
  const plan: { at: number; fault: () => Promise<void>; fired?: boolean }[] = [
    {
      at: 0.35,
      fault: async () => {
        say(`fault: Postgres immediate stop (after ${workload.done} operations)`);
        await faults.restartPostgres(2_500);
        say(`fault: Postgres back after ${faults.log.postgresRestart?.downMs} ms`);
      },
    },
    {
      at: 0.6,
      fault: async () => {
        say(`fault: large drain of the manual queue on app-B, SIGKILL while it runs (after ${workload.done} operations)`);
        await faults.killDuringDrain(instances[1]!, seeded.big.queueId, seeded.bigEntries);
        const k = faults.log.appKill!;
        say(`fault: app-B killed with ${k.paidBeforeKill} of ${k.entries} entries paid (mid-drain: ${k.midDrain}); restarted in ${k.restartMs} ms`);
      },
    },
  ];
  const fireDue = () => {
    const p = progress();
    for (const f of plan) {
      if (f.fired || p < f.at) continue;
      f.fired = true;
      pending.push(f.fault().catch((e: unknown) => log.violation("fault injection failed", String(e))));
    }
  };
  // Time-based firing also needs a clock when no operation completes (Postgres is down).
  const ticker = setInterval(fireDue, 250);
  faults.startTerminator();
  let lastReport = Date.now();
  await workload.run({
    ops: args.ops,
    workers: args.workers,
    deadline,
    onProgress: () => {
      fireDue();
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        say(`${workload.done} operations, ${log.totalRequests()} requests, ${faults.log.terminated} backends terminated`);
      }
    },
  });
  clearInterval(ticker);
  await faults.stopTerminator();
  await Promise.all(pending);
  const workloadSeconds = (Date.now() - workloadStart) / 1000;
  say(`workload done: ${workload.done} operations, ${log.totalRequests()} requests in ${workloadSeconds.toFixed(0)} s`);

  // Settle: pay what the pools cover (the big manual queue by hand, the auto queues by the sweep),
  // as an operator would after an incident (the worker's every-minute sweep does the same).
  const cron = { authorization: `Bearer ${CRON_SECRET}` };
  for (const [kind, p] of [
    ["final drain (manual queue)", `/api/queues/${seeded.big.queueId}/drain`],
    ["final sweep", "/api/cron/sweep"],
    ["final sweep", "/api/cron/sweep"],
  ] as const) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const out = await callRoute(instances[attempt % 2]!.base, "POST", p, { headers: cron });
      log.count(kind, out);
      if (out.kind === "ack") break;
      await sleep(1_000);
    }
    await sleep(500);
  }
  for (const i of instances) if (i.unexpectedExits > 0) log.violation("app instance died", `${i.name} exited ${i.unexpectedExits} time(s) without being killed`);
  await Promise.all(instances.map((i) => i.stop()));
  await jobWorker.stop();
  // What no fault can excuse, also where no client sees it (drains run in the worker's jobs).
  for (const i of [...instances, { name: "worker", logFile: jobWorker.logFile }]) {
    for (const line of fs.readFileSync(i.logFile, "utf8").split("\n")) {
      if (/lost (its|the queue) lock/.test(line)) log.violation("a drain or leave lost its queue lock (server log)", `${i.name}: ${line}`);
    }
  }

  const checks: CheckResult = await checkRun(monitor, log);
  const { byKind, byOutcome } = log.summary();
  const violations = [...log.violations.entries()].map(([category, v]) => ({ category, count: v.count, examples: v.examples.filter(Boolean) }));
  const total = violations.reduce((s, v) => s + v.count, 0);
  const results = {
    seed: args.seed,
    brokenDrain: args.brokenDrain,
    finishedAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    build: build.built ? `built in ${build.seconds.toFixed(0)} s` : "reused",
    workload: { operations: workload.done, planned: args.ops, requests: log.totalRequests(), seconds: Math.round(workloadSeconds), workers: args.workers },
    requestsByKind: byKind,
    requestsByOutcome: byOutcome,
    latencyMs: log.latencySummary(),
    faults: faults.log,
    acknowledged: checks.acknowledged,
    ledger: checks.ledger.map((r) => ({ id: r.id, title: r.title, violations: r.violations })),
    refusals: Object.fromEntries([...log.refusals].map(([k, m]) => [k, Object.fromEntries(m)])),
    violations: { total, byCategory: violations },
  };
  fs.writeFileSync(path.join(root, "chaos-results.json"), `${JSON.stringify(results, null, 2)}\n`);

  console.log("");
  console.log(`seed ${args.seed}${args.brokenDrain ? " (broken drain)" : ""}: ${results.workload.operations} operations, ${results.workload.requests} requests in ${results.workload.seconds} s, run ${results.seconds} s`);
  console.log("requests by kind:");
  for (const [k, n] of Object.entries(byKind)) console.log(`  ${k.padEnd(36)} ${String(n).padStart(6)}`);
  console.log(`outcomes: ${Object.entries(byOutcome).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  const f = faults.log;
  console.log(
    `faults: ${f.terminated} backends terminated (${f.terminateRounds} rounds); Postgres stop+restart ${f.postgresRestart ? `1 (down ${f.postgresRestart.downMs} ms)` : "0"}; app SIGKILL mid-drain ${f.appKill ? `1 (${f.appKill.paidBeforeKill}/${f.appKill.entries} paid, mid-drain ${f.appKill.midDrain})` : "0"}`,
  );
  const a = checks.acknowledged;
  console.log(`acknowledged: ${a.orders} orders, ${a.leaves} leaves, ${a.refunds} refunds, ${a.withdrawals} withdrawals (${a.decisions} decided)`);
  console.log(`ledger: ${checks.ledger.map((r) => `${r.id} ${r.violations}`).join(", ")}`);
  for (const v of violations) {
    console.log(`VIOLATION ${v.category}: ${v.count}`);
    for (const ex of v.examples) console.log(`    ${ex}`);
  }
  const incomplete: string[] = [];
  if (!f.postgresRestart) incomplete.push("the Postgres restart did not happen");
  if (!f.appKill?.midDrain) incomplete.push("the app kill did not land in the middle of a drain");
  if (f.terminated === 0) incomplete.push("no backend was terminated");
  if (results.workload.requests < 10_000) incomplete.push(`fewer than 10,000 operations (${results.workload.requests} requests)`);
  for (const s of incomplete) console.log(`INCOMPLETE: ${s}`);
  console.log(`violations: ${total}`);
  console.log(`results written to chaos-results.json`);
  return total === 0 && incomplete.length === 0 ? 0 : 1;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (e: unknown) => {
    console.error("[chaos] error:", e);
    await cleanup();
    process.exit(1);
  });
