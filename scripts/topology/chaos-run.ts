// `npm run chaos -- --topology`: the chaos workload through haproxy against the production topology
// (scripts/topology/: haproxy, two instances, pgbouncer, a Postgres primary with a synchronous
// standby, the job worker), with the faults of a deployment rather than of one database:
//
// 1. at 30% of the workload, app-2 is drained at haproxy and stopped with SIGTERM while traffic
//    flows, then started again and put back;
// 2. at 60%, the primary is killed with SIGKILL (postmaster and backends) and fenced, and the
//    standby promoted with `pg_ctl promote`: the pg-router (haproxy in front of the Postgres nodes)
//    finds the new primary by itself.
//
// Then the same settle and checks as the plain run: every acknowledged order is in the new primary
// exactly once, the ledger verifier finds nothing, the providers' records match the ledger; and,
// from haproxy's log, every 5xx a client got was a 503 with Retry-After. The switch's duration is
// reported in steps: promoted, routed to by the pg-router, haproxy has a ready instance, first order
// acknowledged.
//
//   npm run chaos -- --topology [--seed N] [--minutes N] [--workers N] [--ops N]
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { CRON_SECRET } from "@/e2e/test-env";
import { checkRun } from "../chaos/check";
import { AppInstance, appEnvironment, ensureBuild } from "../chaos/cluster";
import { actionIds, callRoute, type Outcome } from "../chaos/http";
import { compareWithProviders, ledgerRecords, providerRecords } from "../chaos/provider-check";
import { Notifier, ProviderFakes } from "../chaos/providers";
import { RunLog } from "../chaos/record";
import { Rng } from "../chaos/rng";
import { seedChaos, type Seeded } from "../chaos/seed";
import { guardRun } from "../chaos/watchdog";
import { Workload } from "../chaos/workload";
import { Topology } from "./index";
import { missingBinaries } from "./preflight";

const HARD_LIMIT_MS = 10 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CRON = { authorization: `Bearer ${CRON_SECRET}` };

type Args = { seed: number; minutes: number; workers: number; ops: number };

function parse(argv: string[]): Args {
  const out: Args = { seed: Math.floor(Math.random() * 2 ** 31), minutes: 4, workers: 12, ops: 40_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = Number(argv[++i]);
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${a} needs a whole number`);
    if (a === "--seed") out.seed = v;
    else if (a === "--minutes") out.minutes = Math.min(6, Math.max(1, v));
    else if (a === "--workers") out.workers = Math.max(1, v);
    else if (a === "--ops") out.ops = v;
    else throw new Error(`unknown argument ${a} (with --topology: --seed, --minutes, --workers, --ops)`);
  }
  return out;
}

/**
 * The run's record, plus what the switch looked like to the clients: from the primary's death, each
 * answer by outcome, until the first order sent after it is acknowledged.
 */
class SwitchLog extends RunLog {
  killedAt: number | undefined;
  firstOrderAckAt: number | undefined;
  readonly duringSwitch: Record<string, number> = {};

  /** Why requests got no answer (connection reset, timeout…), by cause: they are not 5xx, but worth reading. */
  readonly lostCauses: Record<string, number> = {};

  override count(kind: string, outcome: Outcome): void {
    super.count(kind, outcome);
    if (outcome.kind === "lost") this.lostCauses[`${kind}: ${outcome.message}`] = (this.lostCauses[`${kind}: ${outcome.message}`] ?? 0) + 1;
    if (this.killedAt === undefined || this.firstOrderAckAt !== undefined) return;
    const sentAt = Date.now() - (outcome.ms ?? 0);
    if (sentAt < this.killedAt) return;
    this.duringSwitch[outcome.kind] = (this.duringSwitch[outcome.kind] ?? 0) + 1;
    if (outcome.kind === "ack" && kind.startsWith("POS order")) this.firstOrderAckAt = Date.now();
  }
}

export type SwitchFigures = {
  promoteMs: number;
  /** From the end of the promotion until the pg-router sent connections to the new primary. */
  routedMs: number;
  /** From the SIGKILL until haproxy had a ready instance again (readiness passes through pgbouncer). */
  readyAgainMs?: number;
  /** From the SIGKILL until the first order sent after it was acknowledged. */
  firstOrderMs?: number;
  answersDuringSwitch: Record<string, number>;
};

export async function runTopologyChaos(argv: string[], root: string): Promise<number> {
  let args: Args;
  try {
    args = parse(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: npm run chaos -- --topology [--seed N] [--minutes N] [--workers N] [--ops N]`);
    return 2;
  }
  const missing = missingBinaries();
  if (missing.length > 0) {
    console.error(`[chaos] the topology needs: ${missing.join(", ")} (apt-get install -y haproxy pgbouncer postgresql-15)`);
    return 1;
  }
  const started = Date.now();
  const say = (s: string) => console.log(`[chaos topology ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${s}`);
  say(`seed ${args.seed}; reproduce the plan with: npm run chaos -- --topology --seed ${args.seed}`);

  let topo: Topology | undefined;
  let fakes: ProviderFakes | undefined;
  const pools: pg.Pool[] = [];
  const cleanup = async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => {})));
    await topo?.stop(true).catch(() => {});
    await fakes?.stop().catch(() => {});
  };
  guardRun(cleanup, say, HARD_LIMIT_MS);

  try {
    return await run(args, root, say, started, (t) => (topo = t), (f) => (fakes = f), pools);
  } finally {
    await cleanup();
    if (topo) say(`logs kept in ${topo.home}`);
  }
}

async function run(
  args: Args,
  root: string,
  say: (s: string) => void,
  started: number,
  setTopo: (t: Topology) => void,
  setFakes: (f: ProviderFakes) => void,
  pools: pg.Pool[],
): Promise<number> {
  const build = await ensureBuild(root, say);
  const fakes = new ProviderFakes(new Rng(args.seed ^ 0xfa17));
  setFakes(fakes);
  await fakes.start();
  let seeded: Seeded | undefined;
  const topo = new Topology({
    root,
    say,
    appEnv: (lbUrl) => appEnvironment({ databaseUrl: "", selfUrl: lbUrl, providers: fakes.appEnvironment() }),
    seed: async (url) => (seeded = await seedChaos(url, { stores: 20, customers: 80, bigOrders: 20 })),
    workerConcurrency: 4,
  });
  setTopo(topo);
  await topo.start();

  // The workload's own reads go through pgbouncer too, so they follow the failover.
  const monitor = new pg.Pool({ connectionString: topo.pooledUrl, max: 3, application_name: "chaos-monitor", connectionTimeoutMillis: 3_000 });
  monitor.on("error", () => {});
  pools.push(monitor);

  const log = new SwitchLog();
  const notifier = new Notifier(fakes, log, new Rng(args.seed ^ 0x7071));
  // The workload addresses an instance by its base URL alone; here both are haproxy, so a client's
  // retry goes to the balancer again, which picks a ready instance.
  const lb = [0, 1].map((k) => new AppInstance(`haproxy-${k}`, topo.lb.port, root, {}, "/dev/null"));
  const workload = new Workload(lb, seeded!, actionIds(), monitor, log, args.seed, { fakes, notifier });
  const merchantStores = [seeded!.hot, ...seeded!.stores.filter((s) => s.kind === "normal").slice(0, 5)];
  const signedIn = await workload.login(new Rng(args.seed), merchantStores, 40);
  say(`signed in through haproxy: ${signedIn} customers, ${merchantStores.length} merchants, the operator`);
  const release = await workload.releasePoints();
  say(`points release: ${release.kind}`);

  const faults: { sigterm?: { drainedMs: number; exitMs: number; exitedBySignal: boolean; restartMs: number }; switch?: SwitchFigures } = {};
  const app2 = topo.apps[1]!;
  const plan: { at: number; fault: () => Promise<void> }[] = [
    {
      at: 0.3,
      fault: async () => {
        say(`fault: app-2 drained at haproxy, then SIGTERM (after ${workload.done} operations)`);
        const t0 = Date.now();
        await topo.lb.setState(app2.name, "drain");
        // The requests it has finish; the balancer sends it no new ones.
        for (let i = 0; i < 50 && ((await topo.lb.appServers()).get(app2.name)?.sessions ?? 0) > 0; i++) await sleep(100);
        const t1 = Date.now();
        await app2.stop();
        const t2 = Date.now();
        const exitedBySignal = t2 - t1 < 8_000; // AppInstance.stop SIGKILLs after 8 s
        const restartMs = await app2.start();
        await topo.lb.setState(app2.name, "ready");
        await topo.lb.waitAppsUp([app2.name]);
        faults.sigterm = { drainedMs: t1 - t0, exitMs: t2 - t1, exitedBySignal, restartMs };
        say(`fault: app-2 exited ${t2 - t1} ms after SIGTERM${exitedBySignal ? "" : " (SIGKILLed: it did not exit within 8 s)"}; back in haproxy ${Date.now() - t2} ms later`);
      },
    },
    {
      at: 0.6,
      fault: async () => {
        say(`fault: SIGKILL of the primary ${topo.primary.name} (after ${workload.done} operations)`);
        const killedAt = Date.now();
        log.killedAt = killedAt;
        await topo.primary.kill();
        // Until the balancer answers ready again: an instance passes its readiness check, which
        // reads the database through pgbouncer.
        const watch = (async () => {
          while (Date.now() - killedAt < 120_000) {
            const out = await callRoute(topo.lb.base, "GET", "/api/health/ready");
            if (out.kind === "ack") return Date.now() - killedAt;
            await sleep(100);
          }
          return undefined;
        })();
        const { promoteMs, routedMs } = await topo.failover();
        faults.switch = { promoteMs, routedMs, answersDuringSwitch: log.duringSwitch };
        say(`fault: ${topo.primary.name} promoted in ${promoteMs} ms, the pg-router sent to it ${routedMs} ms later`);
        const readyAgainMs = await watch;
        faults.switch.readyAgainMs = readyAgainMs;
      },
    },
  ];

  const workloadStart = Date.now();
  const deadline = Math.min(started + 7 * 60_000, workloadStart + args.minutes * 60_000);
  const window = deadline - workloadStart;
  const progress = () => Math.max(workload.done / args.ops, (Date.now() - workloadStart) / window);
  // The faults one after the other, each at its share of the workload's progress.
  const faultRun = (async () => {
    for (const f of plan) {
      while (progress() < f.at && Date.now() < deadline) await sleep(250);
      if (Date.now() >= deadline) return;
      await f.fault().catch((e: unknown) => log.violation("fault injection failed", String(e)));
    }
  })();
  // A progress line every 15 s while operations complete.
  let reportedAt = Date.now();
  const onProgress = () => {
    if (Date.now() - reportedAt < 15_000) return;
    reportedAt = Date.now();
    say(`${workload.done} operations, ${log.totalRequests()} requests`);
  };
  // Bounded by --ops and --minutes, as the faults are timed against them.
  await workload.run({ ops: args.ops, enough: () => false, workers: args.workers, deadline, onProgress });
  await faultRun;
  const workloadSeconds = Math.round((Date.now() - workloadStart) / 1000);
  if (faults.switch) faults.switch.firstOrderMs = log.firstOrderAckAt !== undefined && log.killedAt !== undefined ? log.firstOrderAckAt - log.killedAt : undefined;
  say(`workload done: ${workload.done} operations, ${log.totalRequests()} requests in ${workloadSeconds} s`);

  const settled = await settle(topo, fakes, notifier, monitor, log, seeded!, say);
  for (const a of topo.apps) if (a.unexpectedExits > 0) log.violation("app instance died", `${a.name} exited ${a.unexpectedExits} time(s) without being asked`);
  await Promise.all([...topo.apps.map((a) => a.stop()), topo.worker?.stop()]);
  for (const f of [...topo.apps.map((a) => a.logFile), path.join(topo.home, "worker.log")]) {
    for (const line of fs.readFileSync(f, "utf8").split("\n")) {
      if (/lost (its|the queue) lock/.test(line)) log.violation("a drain or leave lost its queue lock (server log)", `${path.basename(f)}: ${line}`);
    }
  }
  // What the clients got at the balancer: no 5xx but 503 with Retry-After.
  const answers = topo.lb.answers();
  if (answers.bad > 0) for (const ex of answers.examples) log.violation("5xx at haproxy other than 503 with Retry-After", ex);
  for (let i = answers.examples.length; i < answers.bad; i++) log.violation("5xx at haproxy other than 503 with Retry-After", "");

  // The checks read the new primary directly, as its superuser (no session limits).
  const check = new pg.Pool({ connectionString: topo.primary.url("freeline"), max: 3 });
  check.on("error", () => {});
  pools.push(check);
  const checks = await checkRun(check, log);
  const findings = compareWithProviders(providerRecords(fakes), await ledgerRecords(check));
  for (const f of findings) log.violation(`provider check: ${f.category}`, f.example);

  const { byKind, byOutcome } = log.summary();
  const violations = [...log.violations.entries()].map(([category, v]) => ({ category, count: v.count, examples: v.examples.filter(Boolean) }));
  const total = violations.reduce((s, v) => s + v.count, 0);
  const incomplete: string[] = [];
  if (!faults.sigterm) incomplete.push("the SIGTERM of app-2 did not happen");
  if (!faults.switch) incomplete.push("the failover did not happen");
  else if (faults.switch.firstOrderMs === undefined) incomplete.push("no order was acknowledged after the failover");
  // A floor that a loaded two-core machine still reaches: the point is traffic during both faults.
  if (log.totalRequests() < 500) incomplete.push(`fewer than 500 requests (${log.totalRequests()})`);
  const results = {
    mode: "topology",
    seed: args.seed,
    finishedAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    build: build.built ? `built in ${build.seconds.toFixed(0)} s` : "reused",
    workload: { operations: workload.done, requests: log.totalRequests(), seconds: workloadSeconds, workers: args.workers },
    requestsByKind: byKind,
    requestsByOutcome: byOutcome,
    latencyMs: log.latencySummary(),
    faults,
    haproxy: answers.byStatus,
    settle: settled,
    acknowledged: checks.acknowledged,
    ledger: checks.ledger.map((r) => ({ id: r.id, title: r.title, violations: r.violations })),
    providerFindings: findings.length,
    outcomesByKind: log.requests,
    lostCauses: log.lostCauses,
    refusals: Object.fromEntries([...log.refusals].map(([k, m]) => [k, Object.fromEntries(m)])),
    violations: { total, byCategory: violations },
    incomplete,
  };
  fs.writeFileSync(path.join(root, "chaos-results.json"), `${JSON.stringify(results, null, 2)}\n`);

  console.log("");
  console.log(`seed ${args.seed} (topology): ${workload.done} operations, ${log.totalRequests()} requests in ${workloadSeconds} s, run ${results.seconds} s`);
  console.log(`outcomes: ${Object.entries(byOutcome).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  console.log(`haproxy answers by status: ${Object.entries(answers.byStatus).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  const st = faults.sigterm;
  if (st) console.log(`SIGTERM of app-2: drained in ${st.drainedMs} ms, exited ${st.exitMs} ms after the signal${st.exitedBySignal ? "" : " (SIGKILLed)"}, restarted in ${st.restartMs} ms`);
  const sw = faults.switch;
  if (sw) {
    console.log(
      `failover: promoted ${sw.promoteMs} ms, the pg-router sent to it ${sw.routedMs} ms later; haproxy had a ready instance ${sw.readyAgainMs ?? "?"} ms and the first order was acknowledged ${sw.firstOrderMs ?? "?"} ms after the SIGKILL`,
    );
    console.log(`answers to requests sent during the switch: ${Object.entries(sw.answersDuringSwitch).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  }
  const a = checks.acknowledged;
  console.log(`acknowledged, checked in the new primary: ${a.orders} orders, ${a.leaves} leaves, ${a.refunds} refunds, ${a.withdrawals} withdrawals (${a.decisions} decided)`);
  console.log(`ledger: ${checks.ledger.map((r) => `${r.id} ${r.violations}`).join(", ")}; provider check: ${findings.length} findings`);
  for (const v of violations) {
    console.log(`VIOLATION ${v.category}: ${v.count}`);
    for (const ex of v.examples) console.log(`    ${ex}`);
  }
  for (const s of incomplete) console.log(`INCOMPLETE: ${s}`);
  console.log(`violations: ${total}`);
  return total === 0 && incomplete.length === 0 ? 0 : 1;
}

/** A cron route through haproxy, tried up to 4 times while the answer cannot be trusted. */
async function cronRoute(base: string, p: string, log: RunLog, kind: string): Promise<Outcome> {
  let out: Outcome = { kind: "lost", status: 0, message: "not sent" };
  for (let attempt = 0; attempt < 4; attempt++) {
    out = await callRoute(base, "POST", p, { headers: CRON });
    log.count(kind, out);
    if (out.kind !== "lost" && out.kind !== "unavailable") break;
    await sleep(2_000);
  }
  return out;
}

/**
 * After the workload, as an operator would after an incident: the providers' notifications still on
 * their way arrive, pending orders are expired (which asks the provider about each), the queues are
 * drained, and jobs waiting for their backoff are made due until none is left.
 */
async function settle(topo: Topology, fakes: ProviderFakes, notifier: Notifier, db: pg.Pool, log: RunLog, seeded: Seeded, say: (s: string) => void) {
  fakes.setFaults(false);
  await notifier.flush(60_000);
  const aged = (await db.query("update orders set created_at = created_at - interval '1 day' where status = 'pending' and provider in ('wechat', 'alipay')")).rowCount ?? 0;
  const expiry = await cronRoute(topo.lb.base, "/api/cron/expire-orders", log, "expiry of pending orders (settle)");
  await cronRoute(topo.lb.base, `/api/queues/${seeded.big.queueId}/drain`, log, "final drain (manual queue)");
  for (let i = 0; i < 2; i++) await cronRoute(topo.lb.base, "/api/cron/sweep", log, "final sweep");
  const t0 = Date.now();
  let left = -1;
  let madeDue = 0;
  while (left !== 0 && Date.now() - t0 < 90_000) {
    try {
      const due = await db.query<{ id: string }>("select id from graphile_worker.jobs where locked_at is null and run_at > now() and attempts < max_attempts");
      if (due.rows.length > 0) await db.query("select graphile_worker.reschedule_jobs($1::bigint[], run_at => now())", [due.rows.map((r) => r.id)]);
      madeDue += due.rows.length;
      left = Number((await db.query<{ n: string }>("select count(*) as n from graphile_worker.jobs where attempts < max_attempts")).rows[0]!.n);
    } catch {
      left = -1;
    }
    if (left !== 0) await sleep(1_000);
  }
  if (left !== 0) log.violation("jobs not done after the run settled", `${left} jobs left`);
  say(`settle: ${aged} pending orders expired (${expiry.kind}); jobs ${left === 0 ? "all done" : `${left} left`} after ${Math.round((Date.now() - t0) / 1000)} s`);
  return { aged, expiry: expiry.kind, jobsLeft: Math.max(left, 0), jobsMadeDue: madeDue };
}
