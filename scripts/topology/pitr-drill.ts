// `npm run topology -- --pitr-drill`: point-in-time recovery, done for real on the topology's
// primary, which archives its WAL (postgres.ts). The steps of docs/operations.md's recipe:
//
// 1. the database part of the topology (primary, synchronous standby, pg-router, pgbouncer), the
//    chaos seed;
// 2. a base backup of the primary (pg_basebackup, its WAL streamed alongside);
// 3. after it, the demo data (users, stores, paid orders, payouts: one transaction), then the
//    target time T is read from the primary's clock;
// 4. after T, a known write: the operator's display name changed;
// 5. the current WAL segment is switched out and archived;
// 6. the base backup started with restore_command (the archive), recovery_target_time = T,
//    recovery_target_action = promote: it replays the archive up to T and opens for writes;
// 7. checks: the known write is absent; every table's row count is what it was at T (so everything
//    before T is there); `npm run ledger:verify` on the recovered database: 0 violations.
//
// Not in `npm test` (about a minute); its figures are in docs/operations.md.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chown } from "@/lib/testing/throwaway-postgres";
import { freePort } from "../chaos/cluster";
import { seedChaos } from "../chaos/seed";
import { seedDemo } from "../lib/demo-seed";
import { Topology } from "./index";
import type { PgNode } from "./postgres";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AFTER_TARGET = "written after the target";

/** Row counts of every table of the app's schema and the job runner's, by name. */
async function rowCounts(node: PgNode): Promise<Record<string, number>> {
  const tables = await node.query<{ t: string }>(
    "select format('%I.%I', schemaname, tablename) as t from pg_tables where schemaname in ('public', 'graphile_worker', 'drizzle') order by 1",
    [],
    "freeline",
  );
  const out: Record<string, number> = {};
  for (const { t } of tables) out[t] = (await node.query<{ n: number }>(`select count(*)::int as n from ${t}`, [], "freeline"))[0]!.n;
  return out;
}

function ledgerVerify(root: string, url: string): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", "ledger:verify"], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, tail: out.trim().split("\n").slice(-1)[0] ?? "" }));
  });
}

export async function pitrDrill(root: string, say: (s: string) => void): Promise<string[]> {
  const problems: string[] = [];
  const topo = new Topology({ root, say, appEnv: () => ({}), apps: false });
  let recovered: PgNode | undefined;
  try {
    await topo.start();
    const primary = topo.primary;
    // Straight to the primary as the app's role: the drill is about its WAL, not the pooler.
    await seedChaos(topo.primaryUrl(), { stores: 3, customers: 5, bigOrders: 2 });

    // 2. The base backup, into the folder the recovered server will run from.
    recovered = primary.sibling("pitr", await freePort());
    let t = Date.now();
    recovered.baseBackupFrom(primary);
    say(`base backup of ${primary.name} in ${Date.now() - t} ms`);

    // 3. Writes after the base backup, then the target.
    await seedDemo(topo.primaryUrl());
    await sleep(1_100);
    const target = (await primary.query<{ t: string }>("select to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.US TZH') as t"))[0]!.t;
    const atTarget = await rowCounts(primary);
    await sleep(1_100);
    // 4. The known write after it (what an operator would want undone).
    const changed = await primary.query("update users set display_name = $1 where username = 'ops' returning id", [AFTER_TARGET], "freeline");
    if (changed.length !== 1) problems.push("the known write changed no row");
    say(`demo data written after the backup; target ${target}; then the known write`);

    // 5. Its WAL into the archive.
    const seg = (await primary.query<{ f: string }>("select pg_walfile_name(pg_current_wal_lsn()) as f"))[0]!.f;
    await primary.query("select pg_switch_wal()");
    for (let i = 0; i < 100 && !fs.existsSync(path.join(primary.archive, seg)); i++) await sleep(100);
    if (!fs.existsSync(path.join(primary.archive, seg))) problems.push(`WAL segment ${seg} was not archived within 10 s`);
    const archived = fs.readdirSync(primary.archive).length;

    // 6. Recovery to the target from the base backup and the archive.
    const conf = [
      `restore_command = 'cp ${primary.archive}/%f %p'`,
      `recovery_target_time = '${target}'`,
      "recovery_target_action = 'promote'",
      // The copy is a new server: it must not archive into the live archive, nor wait for a standby.
      "archive_mode = off",
      "synchronous_standby_names = ''",
    ];
    fs.appendFileSync(path.join(recovered.data, "postgresql.auto.conf"), `${conf.join("\n")}\n`);
    fs.writeFileSync(path.join(recovered.data, "recovery.signal"), "");
    chown(path.join(recovered.data, "recovery.signal"));
    t = Date.now();
    await recovered.start();
    for (let i = 0; i < 600; i++) {
      const r = await recovered.query<{ r: boolean }>("select pg_is_in_recovery() as r").catch(() => [{ r: true }]);
      if (r[0]?.r === false) break;
      await sleep(100);
    }
    const recoveryMs = Date.now() - t;
    const log = fs.readFileSync(recovered.logFile, "utf8");
    const stop = /recovery stopping before commit of transaction \d+, time [^\n]+/.exec(log)?.[0];
    say(`recovered to the target in ${recoveryMs} ms from ${archived} archived files: ${stop ?? "(no stop line in the log)"}`);

    // 7. Checks.
    const ops = await recovered.query<{ d: string }>("select display_name as d from users where username = 'ops'", [], "freeline");
    if (ops.length !== 1) problems.push("the demo operator (written after the base backup, before the target) is missing");
    else if (ops[0]!.d === AFTER_TARGET) problems.push("the write after the target is in the recovered database");
    const counts = await rowCounts(recovered);
    const differ = Object.keys({ ...atTarget, ...counts }).filter((k) => atTarget[k] !== counts[k]);
    if (differ.length > 0) problems.push(`row counts differ from the target's: ${differ.map((k) => `${k} ${atTarget[k]} → ${counts[k]}`).join(", ")}`);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    const verify = await ledgerVerify(root, recovered.url("freeline"));
    if (verify.code !== 0) problems.push(`ledger:verify on the recovered database: ${verify.tail}`);
    say(`checked: the known write is absent, ${Object.keys(counts).length} tables with ${rows} rows as at the target, ledger:verify: ${verify.tail}`);
  } finally {
    await recovered?.stop().catch(() => {});
    await topo.stop();
  }
  return problems;
}
