// `npm run topology`: the production topology on this machine, from Debian's packages
// (`apt-get install haproxy pgbouncer postgresql-15`) and the app's production build:
// haproxy → two `next start` instances → pgbouncer → a Postgres 15 primary with a synchronous
// streaming standby, and the job worker. See scripts/topology/index.ts and docs/topology.md.
//
//   npm run topology                  # start, load the demo stores, serve until Ctrl-C
//   npm run topology -- --port 8080   # haproxy's port (default: 8080, or a free one if taken)
//   npm run topology -- --smoke       # start, one POS order through haproxy, checks, tear down
//   npm run topology -- --no-build    # use .next as it is (the test suite has just built it)
//   npm run topology -- --write-deploy  # write deploy/ (compose.yaml's configs) from the same code, and exit
//   npm run topology -- --pitr-drill  # point-in-time recovery from the primary's WAL archive (topology/pitr-drill.ts)
//
// The smoke test (a step of `npm test`) checks: the order is acknowledged through haproxy, it is
// on the standby too (synchronous commit), the session limits hold on pooled connections, the
// worker took its LISTEN connection through the session pool; then the primary is SIGKILLed and the
// standby promoted (nothing re-pointed): an order through haproxy lands on the new primary, the old
// one refuses to start as a primary, it is rebuilt as the new primary's synchronous standby
// (pg_rewind) and holds the orders; and everything stops and its folder is gone afterwards.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { appEnvironment, ensureBuild } from "./chaos/cluster";
import { callRoute } from "./chaos/http";
import { seedChaos, type Seeded } from "./chaos/seed";
import { seedDemo } from "./lib/demo-seed";
import { deployFiles } from "./topology/deploy";
import { Topology } from "./topology/index";
import type { PgNode } from "./topology/postgres";
import { pitrDrill } from "./topology/pitr-drill";
import { missingBinaries } from "./topology/preflight";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const argv = process.argv.slice(2);
if (argv.includes("--write-deploy")) {
  for (const [file, content] of Object.entries(deployFiles())) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
    console.log(`wrote ${file}`);
  }
  process.exit(0);
}
const smoke = argv.includes("--smoke");
const pitr = argv.includes("--pitr-drill");
const noBuild = argv.includes("--no-build");
const portAt = argv.indexOf("--port");
const port = portAt >= 0 ? Number(argv[portAt + 1]) : undefined;
const unknown = argv.filter((a, i) => !["--smoke", "--pitr-drill", "--no-build", "--port"].includes(a) && !(portAt >= 0 && i === portAt + 1));
if (unknown.length > 0 || (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))) {
  console.error("usage: npm run topology [-- --smoke | --pitr-drill] [--port N] [--no-build]");
  process.exit(2);
}

const t0 = Date.now();
const say = (s: string) => console.log(`[topology ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const missing = missingBinaries();
if (missing.length > 0) {
  console.error(`[topology] missing: ${missing.join(", ")}. Install them with: apt-get install -y haproxy pgbouncer postgresql-15`);
  process.exit(1);
}

if (pitr) {
  // The database part only: no build, no instances.
  const problems = await pitrDrill(root, say).catch((e: unknown) => [`the drill failed: ${String(e)}`]);
  for (const p of problems) console.log(`[topology] FAILED: ${p}`);
  say(problems.length === 0 ? "point-in-time recovery drill passed; everything stopped and removed" : `point-in-time recovery drill failed (${problems.length})`);
  process.exit(problems.length === 0 ? 0 : 1);
}

if (noBuild) {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.error("[topology] --no-build: there is no build in .next (run `npm run build`)");
    process.exit(1);
  }
} else {
  await ensureBuild(root, say);
}

let seeded: Seeded | undefined;
const topo = new Topology({
  root,
  say,
  appEnv: (lbUrl) => appEnvironment({ databaseUrl: "", selfUrl: lbUrl }),
  seed: async (url) => {
    if (smoke) seeded = await seedChaos(url, { stores: 2, customers: 2, bigOrders: 2 });
    else await seedDemo(url);
  },
  workerConcurrency: 2,
  lbPort: port ?? (smoke ? undefined : 8080),
});

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say("stopping");
    await topo.stop();
  }
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(130));

/** The smoke test's checks; each failure is a sentence. */
async function smokeChecks(): Promise<string[]> {
  const problems: string[] = [];
  const store = seeded!.stores.find((s) => s.kind === "normal") ?? seeded!.hot;
  const customer = seeded!.customers[0]!;
  const out = await callRoute(topo.lb.base, "POST", "/api/v1/orders", {
    headers: { authorization: `Bearer ${store.apiKey}`, "idempotency-key": `smoke-${Date.now()}` },
    json: { customer: customer.username, amount_fen: 12_345 },
  });
  if (out.kind !== "ack") return [`the order through haproxy was not acknowledged: ${out.kind} ${out.status} ${"message" in out ? out.message : ""}`];
  const orderNo = String(out.body.order_no);
  say(`order ${orderNo} acknowledged through haproxy (${out.status})`);

  // Synchronous commit: the standby has the order as soon as the primary acknowledged it.
  if (!(await hasOrder(topo.standby, orderNo))) problems.push(`order ${orderNo} is not on the standby`);
  const sync = await topo.primary.query<{ sync_state: string }>("select sync_state from pg_stat_replication");
  if (sync[0]?.sync_state !== "sync") problems.push(`the standby is not synchronous: ${JSON.stringify(sync)}`);

  // The session limits reach pooled connections (the app role's defaults; pgbouncer drops the
  // driver's start-up parameters).
  const pg = (await import("pg")).default;
  const c = new pg.Client({ connectionString: topo.pooledUrl, statement_timeout: 1 });
  await c.connect();
  const limits = (await c.query<{ s: string; l: string; i: string }>("select current_setting('statement_timeout') s, current_setting('lock_timeout') l, current_setting('idle_in_transaction_session_timeout') i")).rows[0]!;
  await c.end();
  if (limits.s !== "15s" || limits.l !== "10s" || limits.i !== "30s") problems.push(`session limits through pgbouncer: ${JSON.stringify(limits)}`);

  // The worker's LISTEN is on a server session of its own (pgbouncer's session pool).
  let listening = false;
  for (let i = 0; i < 100 && !listening; i++) {
    const rows = await topo.primary.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = 'freeline' and query ilike 'listen%'");
    listening = (rows[0]?.n ?? 0) > 0;
    if (!listening) await sleep(300);
  }
  if (!listening) problems.push("no LISTEN session on the primary: the worker is not listening for jobs");
  if (problems.length === 0) problems.push(...(await failoverChecks(store.apiKey, customer.username)));
  return problems;
}

/** One POS order through haproxy, retried (same key) while the answer is 503 or none, for up to `ms`. */
async function orderThroughHaproxy(apiKey: string, customer: string, key: string, ms: number): Promise<string | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const out = await callRoute(topo.lb.base, "POST", "/api/v1/orders", {
      headers: { authorization: `Bearer ${apiKey}`, "idempotency-key": key },
      json: { customer, amount_fen: 2_000 },
    });
    if (out.kind === "ack") return String(out.body.order_no);
    if ((out.kind !== "unavailable" && out.kind !== "lost") || Date.now() > deadline) {
      say(`order ${key}: ${out.kind} ${out.status} ${"message" in out ? out.message : ""}`);
      return undefined;
    }
    await sleep(100);
  }
}

/** Whether `node` holds the order exactly once; a standby may not have replayed it yet, so it gets 2 s. */
async function hasOrder(node: PgNode, orderNo: string): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    const rows = await node.query<{ n: number }>("select count(*)::int as n from orders where order_no = $1", [orderNo], "freeline");
    if (rows[0]?.n === 1) return true;
    await sleep(100);
  }
  return false;
}

/**
 * The failover as it happens in production: the primary dies (SIGKILL), the standby is promoted,
 * and that is all. The next order through haproxy must land on the new primary, with nothing
 * re-pointed; the dead primary must refuse to start as a primary; rebuilt with pg_rewind, it must
 * be the new primary's synchronous standby, holding the order.
 */
async function failoverChecks(apiKey: string, customer: string): Promise<string[]> {
  const problems: string[] = [];
  const [oldPrimary, oldStandby] = [topo.primary, topo.standby];
  const t0 = Date.now();
  await oldPrimary.kill();
  const { promoteMs, routedMs } = await topo.failover();
  const orderNo = await orderThroughHaproxy(apiKey, customer, `smoke-failover-${Date.now()}`, 20_000);
  const firstOrderMs = Date.now() - t0;
  say(`failover: SIGKILL of ${oldPrimary.name}, ${oldStandby.name} promoted in ${promoteMs} ms, the pg-router sent to it ${routedMs} ms later; first order through haproxy acknowledged ${firstOrderMs} ms after the kill`);
  if (!orderNo) return ["no order was acknowledged through haproxy within 20 s of the promotion"];
  if (!(await hasOrder(oldStandby, orderNo))) problems.push(`order ${orderNo} after the failover is not on the new primary ${oldStandby.name}`);
  // The fence: the old primary does not come back as a primary.
  const refused = await oldPrimary.start().then(() => false, (e: Error) => /fenced/.test(e.message));
  if (!refused) problems.push(`${oldPrimary.name} started again as a primary after the failover`);

  const rebuilt = await topo.rebuildStandby();
  say(`rebuild: ${oldPrimary.name} is ${oldStandby.name}'s standby again (${rebuilt.method}) in ${rebuilt.ms} ms`);
  const sync = await topo.primary.query<{ application_name: string; sync_state: string }>("select application_name, sync_state from pg_stat_replication");
  if (sync[0]?.application_name !== oldPrimary.name || sync[0]?.sync_state !== "sync") problems.push(`after the rebuild, replication is ${JSON.stringify(sync)}`);
  const after = await orderThroughHaproxy(apiKey, customer, `smoke-rebuilt-${Date.now()}`, 20_000);
  if (!after) problems.push("no order was acknowledged after the rebuild");
  else if (!(await hasOrder(oldPrimary, orderNo)) || !(await hasOrder(oldPrimary, after))) problems.push(`the rebuilt standby lacks order ${orderNo} or ${after}`);
  if (await topo.router.current() !== oldStandby.name) problems.push(`the pg-router does not send to ${oldStandby.name} only`);
  return problems;
}

try {
  await topo.start();
  if (smoke) {
    const problems = await smokeChecks();
    const home = topo.home;
    const pids = [topo.primary.pid, topo.standby.pid].filter((p): p is number => p !== undefined);
    await topo.stop();
    stopping = true;
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    if (alive.length > 0) problems.push(`Postgres still running after the stop: pids ${alive.join(", ")}`);
    if (fs.existsSync(home)) problems.push(`${home} still exists after the stop`);
    for (const p of problems) console.log(`[topology] FAILED: ${p}`);
    say(problems.length === 0 ? "smoke test passed; everything stopped and removed" : `smoke test failed (${problems.length})`);
    process.exit(problems.length === 0 ? 0 : 1);
  }
  console.log(`
  Freeline topology: ${topo.lb.base}  (haproxy → app-1, app-2 → pgbouncer → Postgres pg-1 ══> pg-2)
  Demo sign-ins as for \`npm start\` (README). Logs and data: ${topo.home}
  DATABASE_URL=${topo.pooledUrl}
  DATABASE_DIRECT_URL=${topo.directUrl}
  Ctrl-C stops everything and removes the folder.
`);
  await new Promise(() => {});
} catch (e) {
  console.error("[topology] error:", e);
  await shutdown(1);
}
