// `npm run chaos`: a fault-injection run bounded by its number of requests.
//
//   npm run chaos [-- --seed N] [--broken-drain] [--broken-outbox] [--requests N] [--ops N] [--workers N] [--minutes N]
//   npm run chaos -- --topology [--seed N] [--minutes N] [--workers N] [--ops N]   (scripts/topology/chaos-run.ts)
//
// The workload runs until it has sent --requests requests (default 10,000, the floor a complete run
// needs), however long that takes on a loaded machine; the faults fire at fixed fractions of that
// count. --ops caps the plan (default 40,000 operations) and --minutes, when given, also ends the
// workload after that long (such a run may end INCOMPLETE). Operations in flight then get
// STRAGGLER_MS to finish; one that does not is named and the run is INCOMPLETE, but its settle and
// checks still run. A watchdog still stops a run that hangs (HARD_LIMIT_MS).
//
// Starts a private Postgres (never the machine's shared one) and two production instances of the
// app against it, drives a seeded random workload over HTTP while backends are terminated, Postgres
// crashes and restarts once and one instance is SIGKILLed in the middle of a drain; then runs the
// ledger verifier and holds every acknowledged answer against the database. Prints the seed and the
// figures, writes them to chaos-results.json, and exits 1 on any violation.
//
// Payments go through WeChat Pay and Alipay, played by the test suite's fakes behind fault proxies
// (scripts/chaos/providers.ts): notifications come late, twice, out of order or never, and refunds
// fail with 5xx, time out, or are made with their answer lost. Two job runners send the refunds. At
// the end the fakes' own records are held against the ledger (scripts/chaos/provider-check.ts).
//
// --broken-outbox makes the run's provider refunds call the provider inside the database
// transaction (scripts/chaos/broken-outbox.ts, composed in this process: the app has no such path),
// to prove the provider check catches it: it must report violations and exit 1.
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
import { BrokenOutbox } from "./chaos/broken-outbox";
import { AppInstance, appEnvironment, ensureBuild, freePort, JobWorker } from "./chaos/cluster";
import type { ProxyFigures } from "./chaos/fault-proxy";
import { compareWithProviders, ledgerRecords, providerRecords } from "./chaos/provider-check";
import { Notifier, ProviderFakes } from "./chaos/providers";
import { Faults } from "./chaos/faults";
import { actionIds, callRoute } from "./chaos/http";
import { RunLog } from "./chaos/record";
import { awaitWorkload, guardRun } from "./chaos/watchdog";
import { Rng } from "./chaos/rng";
import { seedChaos } from "./chaos/seed";
import { Workload } from "./chaos/workload";
import { CRON_SECRET } from "@/e2e/test-env";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

// --topology: the same workload through haproxy against the production topology, with its own
// faults (an instance drained and stopped, the primary killed and its standby promoted).
if (process.argv.includes("--topology")) {
  const { runTopologyChaos } = await import("./topology/chaos-run");
  process.exit(await runTopologyChaos(process.argv.slice(2).filter((a) => a !== "--topology"), root));
}

/** A run that has not ended by then is stuck (on a loaded machine 3,647 requests took 81 s of workload and the build 288 s). */
const HARD_LIMIT_MS = 40 * 60_000;
/** What a complete run sends at least. */
const REQUEST_FLOOR = 10_000;
/** How long operations still in flight may take once no new one starts. */
const STRAGGLER_MS = 120_000;

function parseArgs(argv: string[]) {
  const out = { seed: Math.floor(Math.random() * 2 ** 31), brokenDrain: false, brokenOutbox: false, requests: REQUEST_FLOOR, ops: 40_000, workers: 16, minutes: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${a} needs a whole number`);
      return v;
    };
    if (a === "--seed") out.seed = num();
    else if (a === "--broken-drain") out.brokenDrain = true;
    else if (a === "--broken-outbox") out.brokenOutbox = true;
    else if (a === "--requests") out.requests = Math.max(1, num());
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
  console.error(`${(e as Error).message}\nusage: npm run chaos [-- --seed N] [--broken-drain] [--broken-outbox] [--requests N] [--ops N] [--workers N] [--minutes N]`);
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
const jobWorkers: JobWorker[] = [];
let fakes: ProviderFakes | undefined;
let broken: BrokenOutbox | undefined;

async function cleanup(): Promise<void> {
  await Promise.all([...instances, ...jobWorkers].map((i) => i.stop().catch(() => {})));
  await fakes?.stop().catch(() => {});
  await broken?.end();
  await monitor?.end().catch(() => {});
  await pgx?.destroy().catch(() => {});
}

// The run stops by itself: past the hard limit it cleans up and fails.
guardRun(cleanup, say, HARD_LIMIT_MS);

async function main(): Promise<number> {
  const flags = `${args.brokenDrain ? " --broken-drain" : ""}${args.brokenOutbox ? " --broken-outbox" : ""}`;
  say(`seed ${args.seed}${args.brokenDrain ? " — BROKEN DRAIN (FREELINE_TEST_BROKEN_DRAIN=skip-lock): violations expected" : ""}`);
  if (args.brokenOutbox) say("BROKEN OUTBOX: provider refunds are called inside the database transaction: violations expected");
  say(`reproduce the plan with: npm run chaos -- --seed ${args.seed}${flags}`);
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

  fakes = new ProviderFakes(new Rng(args.seed ^ 0xfa17));
  await fakes.start();
  const providerEnv = fakes.appEnvironment();
  say(`fake WeChat Pay ${fakes.wechat.url} behind ${fakes.wechatProxy.url}, fake Alipay ${fakes.alipay.url} behind ${fakes.alipayProxy.url}`);

  const ports = [await freePort(), await freePort()];
  for (const [k, port] of ports.entries()) {
    const name = k === 0 ? "app-A" : "app-B";
    const env = appEnvironment({ databaseUrl: url, selfUrl: `http://localhost:${port}`, brokenDrain: args.brokenDrain, providers: providerEnv });
    instances.push(new AppInstance(name, port, root, env, path.join(workDir, `${name}.log`)));
  }
  await Promise.all(instances.map((i) => i.start()));
  say(`two instances: ${instances.map((i) => i.base).join(", ")} (logs in ${workDir})`);
  // Two job runners, as two `npm run worker` would be: they share the refund jobs.
  for (const [k, inst] of instances.entries()) {
    const env = { ...appEnvironment({ databaseUrl: url, selfUrl: inst.base, brokenDrain: args.brokenDrain, providers: providerEnv }), WORKER_CONCURRENCY: "4" };
    const w = new JobWorker(`worker-${k + 1}`, root, env, path.join(workDir, `worker-${k + 1}.log`));
    w.start();
    jobWorkers.push(w);
  }

  monitor = new pg.Pool({ connectionString: url, max: 3, application_name: "chaos-monitor", connectionTimeoutMillis: 3_000 });
  monitor.on("error", () => {});

  const log = new RunLog();
  const rng = new Rng(args.seed);
  const notifier = new Notifier(fakes, log, new Rng(args.seed ^ 0x7071));
  if (args.brokenOutbox) broken = new BrokenOutbox(url, fakes.inProcess(instances[0]!.base));
  const workload = new Workload(instances, seeded, actionIds(), monitor, log, args.seed, { fakes, notifier, broken });
  const merchantStores = [seeded.hot, ...seeded.stores.filter((s) => s.kind === "normal").slice(0, 5)];
  const signedIn = await workload.login(rng, merchantStores, 40);
  say(`signed in over HTTP: ${signedIn} customers, ${merchantStores.length} merchants, the operator`);
  const release = await workload.releasePoints();
  say(`points release: ${release.kind}${release.kind === "ack" ? ` ${JSON.stringify(release.body)}` : ""}`);

  const faults = new Faults(pgx, monitor, new Rng(args.seed ^ 0x5eed));
  const pending: Promise<void>[] = [];
  const workloadStart = Date.now();
  const deadline = args.minutes > 0 ? workloadStart + args.minutes * 60_000 : Infinity;
  const enough = () => log.totalRequests() >= args.requests;
  // The faults come at fixed points of the workload's progress: a fraction of its requests (or of
  // its operations, or of --minutes when given, whichever comes first), so a slow machine gets them
  // at the same points of the work as a fast one.
  const progress = () =>
    Math.max(log.totalRequests() / args.requests, workload.done / args.ops, deadline === Infinity ? 0 : (Date.now() - workloadStart) / (deadline - workloadStart));
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
  const ran = workload.run({
    ops: args.ops,
    workers: args.workers,
    deadline,
    enough,
    onProgress: () => {
      fireDue();
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        say(`${workload.done} operations, ${log.totalRequests()} requests, ${faults.log.terminated} backends terminated`);
      }
    },
  });
  // Once no operation starts any more, those in flight get STRAGGLER_MS to finish (every request
  // has its own 20 s timeout and a few retries); past that the run stops waiting, names them, and
  // goes on to settle and check what was done, so one hung operation cannot cost the whole run's
  // checks (it happened once, with nothing to say which operation it was).
  const abandoned = await awaitWorkload(ran, { stopped: () => enough() || Date.now() >= deadline, graceMs: STRAGGLER_MS, inFlight: () => workload.inFlight() });
  if (abandoned.length > 0) say(`stopped waiting for ${abandoned.length} operations still in flight: ${abandoned.join(", ")}`);
  clearInterval(ticker);
  await faults.stopTerminator();
  await Promise.all(pending);
  const workloadSeconds = (Date.now() - workloadStart) / 1000;
  say(`workload done: ${workload.done} operations, ${log.totalRequests()} requests in ${workloadSeconds.toFixed(0)} s`);

  // Settle the providers: their outage ends (faults off), the notifications still on their way
  // arrive, and the expiry job runs over every pending order (made due by moving its creation a
  // day back): it closes each at its provider, which refuses for a paid one, and then pays it from
  // the provider's answer to a query. That is what finds a payment whose every notification was
  // dropped and whose customer never came back to the pay page.
  const cron = { authorization: `Bearer ${CRON_SECRET}` };
  fakes.setFaults(false);
  say(`settle: ${notifier.figures.payments} payments taken; waiting for the notifications still on their way`);
  await notifier.flush(60_000);
  const aged = (await monitor.query("update orders set created_at = created_at - interval '1 day' where status = 'pending' and provider in ('wechat', 'alipay')")).rowCount ?? 0;
  let expiry: Record<string, unknown> | undefined;
  for (let attempt = 0; attempt < 4 && !expiry; attempt++) {
    const out = await callRoute(instances[attempt % 2]!.base, "POST", "/api/cron/expire-orders", { headers: cron });
    log.count("expiry of pending orders (settle)", out);
    if (out.kind === "ack") expiry = out.body;
    else await sleep(2_000);
  }
  say(`settle: expiry over ${aged} pending orders: ${JSON.stringify(expiry ?? "no answer")}`);

  // Settle: pay what the pools cover (the big manual queue by hand, the auto queues by the sweep),
  // as an operator would after an incident (the workers' every-minute sweep does the same).
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
  // The refund jobs: retries waiting for their backoff are made due now, as an operator's "retry"
  // would, until none is left (the provider answers again).
  const jobs = await settleJobs(monitor, 90_000);
  say(`settle: jobs ${jobs.left === 0 ? "all done" : `${jobs.left} left`} after ${jobs.seconds} s (${jobs.rescheduled} retries made due)`);
  if (jobs.left > 0) log.violation("jobs not done after the run settled", `${jobs.left} jobs left`);
  for (const i of instances) if (i.unexpectedExits > 0) log.violation("app instance died", `${i.name} exited ${i.unexpectedExits} time(s) without being killed`);
  await Promise.all([...instances, ...jobWorkers].map((i) => i.stop()));
  // What no fault can excuse, also where no client sees it (drains run in the workers' jobs).
  for (const i of [...instances, ...jobWorkers]) {
    for (const line of fs.readFileSync(i.logFile, "utf8").split("\n")) {
      if (/lost (its|the queue) lock/.test(line)) log.violation("a drain or leave lost its queue lock (server log)", `${i.name}: ${line}`);
    }
  }

  const checks: CheckResult = await checkRun(monitor, log);
  // The providers' own records against the ledger.
  const providerSide = providerRecords(fakes);
  const ledgerSide = await ledgerRecords(monitor);
  const findings = compareWithProviders(providerSide, ledgerSide);
  const transfersByStatus = ledgerSide.transfers.reduce<Record<string, number>>((m, t) => ({ ...m, [t.status]: (m[t.status] ?? 0) + 1 }), {});
  for (const f of findings) log.violation(`provider check: ${f.category}`, f.example);
  const { byKind, byOutcome } = log.summary();
  const violations = [...log.violations.entries()].map(([category, v]) => ({ category, count: v.count, examples: v.examples.filter(Boolean) }));
  const total = violations.reduce((s, v) => s + v.count, 0);
  const results = {
    seed: args.seed,
    brokenDrain: args.brokenDrain,
    brokenOutbox: args.brokenOutbox,
    finishedAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    build: build.built ? `built in ${build.seconds.toFixed(0)} s` : "reused",
    workload: { operations: workload.done, planned: args.ops, requests: log.totalRequests(), seconds: Math.round(workloadSeconds), workers: args.workers },
    requestsByKind: byKind,
    requestsByOutcome: byOutcome,
    latencyMs: log.latencySummary(),
    faults: faults.log,
    providers: {
      taken: { payments: providerSide.payments.length, refunds: providerSide.refunds.length, transfers: providerSide.transfers.length },
      transfersInLedger: transfersByStatus,
      notifications: notifier.figures,
      calls: { wechat: fakes.wechatProxy.figures, alipay: fakes.alipayProxy.figures },
      expiry: { aged, ...expiry },
      jobs,
      workerRestarts: jobWorkers.reduce((n, w) => n + w.restarts, 0),
      checkFindings: findings.length,
      ...(broken ? { brokenOutbox: broken.figures } : {}),
    },
    acknowledged: checks.acknowledged,
    ledger: checks.ledger.map((r) => ({ id: r.id, title: r.title, violations: r.violations })),
    refusals: Object.fromEntries([...log.refusals].map(([k, m]) => [k, Object.fromEntries(m)])),
    violations: { total, byCategory: violations },
  };
  fs.writeFileSync(path.join(root, "chaos-results.json"), `${JSON.stringify(results, null, 2)}\n`);

  console.log("");
  console.log(`seed ${args.seed}${args.brokenDrain ? " (broken drain)" : ""}${args.brokenOutbox ? " (broken outbox)" : ""}: ${results.workload.operations} operations, ${results.workload.requests} requests in ${results.workload.seconds} s, run ${results.seconds} s`);
  console.log("requests by kind:");
  for (const [k, n] of Object.entries(byKind)) console.log(`  ${k.padEnd(36)} ${String(n).padStart(6)}`);
  console.log(`outcomes: ${Object.entries(byOutcome).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  const f = faults.log;
  console.log(
    `faults: ${f.terminated} backends terminated (${f.terminateRounds} rounds); Postgres stop+restart ${f.postgresRestart ? `1 (down ${f.postgresRestart.downMs} ms)` : "0"}; app SIGKILL mid-drain ${f.appKill ? `1 (${f.appKill.paidBeforeKill}/${f.appKill.entries} paid, mid-drain ${f.appKill.midDrain})` : "0"}`,
  );
  const nf = notifier.figures;
  const calls = sumCalls(fakes);
  console.log(
    `providers: ${providerSide.payments.length} payments taken; notifications: ${nf.posted} posted, ${nf.duplicates} duplicates, ${nf.delayed} late, ${nf.reordered} reordered, ${nf.dropped} payments with every notification dropped, ${nf.providerRetries} provider retries, ${nf.undelivered} given up; expiry paid ${String(expiry?.paid ?? "?")} of ${aged} pending`,
  );
  console.log(
    `money out: ${calls.refund.calls} refund calls (${calls.refund["5xx"]} 5xx, ${calls.refund.timeout} timeouts, ${calls.refund["lost-answer"]} done with the answer lost), ${calls["refund-query"].calls} refund queries; ${providerSide.refunds.length} refunds made by the providers; ${calls.transfer.calls} transfer calls (${calls.transfer["5xx"]} 5xx, ${calls.transfer.timeout} timeouts, ${calls.transfer["lost-answer"]} done with the answer lost), ${calls["transfer-query"].calls} transfer queries; ${providerSide.transfers.length} transfers made by the providers, withdrawals sent in the ledger ${JSON.stringify(transfersByStatus)}; job runners restarted ${jobWorkers.reduce((n, w) => n + w.restarts, 0)} times`,
  );
  if (broken) console.log(`broken outbox: ${broken.figures.attempts} refunds tried, ${broken.figures.committed} committed, ${broken.figures.rolledBack} rolled back after or during the provider call, ${broken.figures.refused} refused`);
  console.log(`provider check (the fakes' records against the ledger): ${findings.length} findings`);
  const a = checks.acknowledged;
  console.log(`acknowledged: ${a.orders} orders, ${a.leaves} leaves, ${a.refunds} refunds, ${a.withdrawals} withdrawals (${a.decisions} decided)`);
  console.log(`ledger: ${checks.ledger.map((r) => `${r.id} ${r.violations}`).join(", ")}`);
  for (const v of violations) {
    console.log(`VIOLATION ${v.category}: ${v.count}`);
    for (const ex of v.examples) console.log(`    ${ex}`);
  }
  const incomplete: string[] = [];
  if (abandoned.length > 0) incomplete.push(`${abandoned.length} operations never finished: ${abandoned.join(", ")}`);
  if (!f.postgresRestart) incomplete.push("the Postgres restart did not happen");
  if (!f.appKill?.midDrain) incomplete.push("the app kill did not land in the middle of a drain");
  if (f.terminated === 0) incomplete.push("no backend was terminated");
  if (results.workload.requests < REQUEST_FLOOR) incomplete.push(`fewer than ${REQUEST_FLOOR.toLocaleString("en")} requests (${results.workload.requests})`);
  if (nf.payments === 0) incomplete.push("no payment went through a provider");
  if (nf.dropped === 0 || nf.duplicates === 0) incomplete.push("no notification was dropped or none was duplicated");
  if (providerSide.refunds.length === 0) incomplete.push("no refund went through a provider");
  if (calls.refund["5xx"] + calls.refund.timeout + calls.refund["lost-answer"] === 0) incomplete.push("no refund call was faulted");
  // The broken outbox shows only when a refund is made and its transaction then rolls back.
  if (broken && calls.refund["lost-answer"] === 0) incomplete.push("no refund's answer was lost: the broken outbox had no chance to fail");
  for (const s of incomplete) console.log(`INCOMPLETE: ${s}`);
  console.log(`violations: ${total}`);
  console.log(`results written to chaos-results.json`);
  return total === 0 && incomplete.length === 0 ? 0 : 1;
}

/** Both proxies' figures added up per class of call. */
function sumCalls(f: ProviderFakes): ProxyFigures {
  const out = structuredClone(f.wechatProxy.figures);
  for (const [cls, v] of Object.entries(f.alipayProxy.figures) as [keyof ProxyFigures, ProxyFigures[keyof ProxyFigures]][]) {
    for (const k of Object.keys(v) as (keyof typeof v)[]) out[cls][k] += v[k];
  }
  return out;
}

/**
 * Makes every job waiting for its backoff due now, again and again, until no job is left that
 * has tries left (or `ms` passed). Answers how many were left and how many were made due.
 */
async function settleJobs(db: pg.Pool, ms: number): Promise<{ left: number; rescheduled: number; seconds: number }> {
  const t0 = Date.now();
  let rescheduled = 0;
  let left = 0;
  for (;;) {
    try {
      const waiting = await db.query<{ id: string }>("select id from graphile_worker.jobs where locked_at is null and run_at > now() and attempts < max_attempts");
      if (waiting.rows.length > 0) {
        await db.query("select id from graphile_worker.reschedule_jobs($1::bigint[], run_at => now())", [waiting.rows.map((r) => r.id)]);
        rescheduled += waiting.rows.length;
      }
      left = Number((await db.query<{ n: string }>("select count(*) as n from graphile_worker.jobs where attempts < max_attempts")).rows[0]!.n);
    } catch {
      left = -1; // the database did not answer: try again
    }
    if (left === 0 || Date.now() - t0 > ms) break;
    await sleep(1_000);
  }
  return { left: Math.max(left, 0), rescheduled, seconds: Math.round((Date.now() - t0) / 1000) };
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
