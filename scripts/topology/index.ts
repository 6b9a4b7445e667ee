// The production topology on one machine, from Debian's packages and the app's production build:
//
//   clients ─> haproxy ─┬─> app-1 (next start) ─┐
//                       └─> app-2 (next start) ─┼─> pgbouncer ─> pg-router ─> Postgres primary ══> standby
//                           worker (npm run worker) ─┘   (transaction pool;  (haproxy, tcp:   (streaming,
//                                                         session pool for    only the node    synchronous
//                                                         LISTEN and locks)   not in recovery) commit)
//
// Everything lives in one folder under /tmp (data, configs, logs) on free ports; the machine's own
// Postgres is never touched. `failover()` is what an operator (or Patroni, pg_auto_failover…) does
// when the primary dies: fence it and promote the standby; the pg-router finds the new primary by
// itself. `rebuildStandby()` brings the dead primary back as the new primary's synchronous standby.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SESSION_LIMITS } from "@/db";
import { runMigrations } from "@/db/migrate";
import { chown } from "@/lib/testing/throwaway-postgres";
import { AppInstance, freePort, JobWorker } from "../chaos/cluster";
import { Haproxy } from "./haproxy";
import { CHECK_ROLE, PgRouter } from "./pg-router";
import { Bouncer, POOLED_DB, SESSION_DB } from "./pgbouncer";
import { makeSynchronous, PgNode } from "./postgres";

const APP_ROLE = "freeline";
const SLOT = "standby";

export type TopologyOptions = {
  root: string;
  say: (s: string) => void;
  /** The app's environment (secrets, providers…) given the load balancer's URL; the database URLs are added. */
  appEnv: (lbUrl: string) => Record<string, string>;
  /** Loads data into the migrated database (through pgbouncer) before the instances start. */
  seed?: (url: string) => Promise<unknown>;
  /** WORKER_CONCURRENCY of the job runner. */
  workerConcurrency?: number;
  /** A fixed port for haproxy (default: a free one). */
  lbPort?: number;
  /** false: the database part only (Postgres, pg-router, pgbouncer), no haproxy, instances or worker. */
  apps?: boolean;
};

export class Topology {
  readonly home: string;
  primary!: PgNode;
  standby!: PgNode;
  bouncer!: Bouncer;
  router!: PgRouter;
  lb!: Haproxy;
  readonly apps: AppInstance[] = [];
  worker: JobWorker | undefined;
  private readonly superPassword = randomBytes(12).toString("base64url");
  private readonly appPassword = randomBytes(12).toString("base64url");
  private readonly checkPassword = randomBytes(12).toString("base64url");

  constructor(private readonly o: TopologyOptions) {
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), "freeline-topology-"));
    fs.chmodSync(this.home, 0o755);
    chown(this.home);
  }

  /** The app's pooled URL (pgbouncer, transaction mode): DATABASE_URL. */
  get pooledUrl(): string {
    return this.bouncer.url(POOLED_DB);
  }

  /** The session-keeping URL (pgbouncer, session mode): DATABASE_DIRECT_URL. */
  get directUrl(): string {
    return this.bouncer.url(SESSION_DB);
  }

  /** The app database on the current primary, as the app's role, with no pooler in between. */
  primaryUrl(): string {
    return this.primary.url("freeline", APP_ROLE, this.appPassword);
  }

  async start(): Promise<void> {
    const { say } = this.o;
    const [p1, p2, pr, pb, a1, a2] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const lbPort = this.o.lbPort ?? (await freePort());

    this.primary = new PgNode("pg-1", p1, this.home, this.superPassword, "primary");
    this.primary.init();
    await this.primary.start();
    // The session limits (db/index.ts) as the app role's defaults: pgbouncer cannot pass them from
    // the client, and every server connection it opens for the role starts with them.
    const limits = Object.entries(SESSION_LIMITS).map(([k, v]) => `alter role ${APP_ROLE} set ${k} = ${v}`);
    const roles = [`create role ${APP_ROLE} login password '${this.appPassword}'`, `create role ${CHECK_ROLE} login password '${this.checkPassword}'`];
    for (const sql of [...roles, ...limits, `create database freeline owner ${APP_ROLE}`]) {
      await this.primary.query(sql);
    }
    await this.primary.query("select pg_create_physical_replication_slot($1)", [SLOT]);
    say(`Postgres primary pg-1 on ${p1}`);

    this.standby = new PgNode("pg-2", p2, this.home, this.superPassword, "standby");
    this.standby.cloneFrom(this.primary, SLOT);
    await this.standby.start();
    await makeSynchronous(this.primary, this.standby);
    say(`Postgres standby pg-2 on ${p2}: streaming, synchronous`);

    this.router = new PgRouter(pr, this.home, [this.primary, this.standby].map((n) => ({ name: n.name, host: "127.0.0.1", port: n.port })), this.checkPassword);
    await this.router.start();
    await this.router.waitFor(this.primary.name);
    say(`pg-router on ${pr}: sends to ${this.primary.name}, the node not in recovery`);

    this.bouncer = new Bouncer(pb, this.home, { app: { user: APP_ROLE, password: this.appPassword }, adminPassword: randomBytes(12).toString("base64url") }, pr);
    await this.bouncer.start();
    say(`pgbouncer on ${pb} → pg-router: ${POOLED_DB} (transaction pooling), ${SESSION_DB} (session pooling)`);

    await runMigrations(this.directUrl);
    if (this.o.seed) await this.o.seed(this.pooledUrl);
    say("migrated through pgbouncer's session pool" + (this.o.seed ? ", seeded through its transaction pool" : ""));
    if (this.o.apps === false) return;

    const backends = [
      { name: "app-1", host: "127.0.0.1", port: a1 },
      { name: "app-2", host: "127.0.0.1", port: a2 },
    ];
    this.lb = new Haproxy(lbPort, this.home, backends);
    const env = this.env();
    for (const b of backends) this.apps.push(new AppInstance(b.name, b.port, this.o.root, env, path.join(this.home, `${b.name}.log`)));
    await Promise.all(this.apps.map((a) => a.start()));
    this.worker = new JobWorker("worker", this.o.root, { ...env, WORKER_CONCURRENCY: String(this.o.workerConcurrency ?? 4) }, path.join(this.home, "worker.log"));
    this.worker.start();
    await this.lb.start();
    await this.lb.waitAppsUp(backends.map((b) => b.name));
    say(`haproxy on ${this.lb.base} in front of app-1 (${a1}) and app-2 (${a2}), both ready; the job worker runs`);
  }

  /** The instances' and the worker's environment. */
  env(): Record<string, string> {
    return {
      ...this.o.appEnv(this.lb.base),
      DATABASE_URL: this.pooledUrl,
      DATABASE_DIRECT_URL: this.directUrl,
      // Debian's pgbouncer (1.18) keeps no prepared statements across transactions.
      DATABASE_PREPARED_STATEMENTS: "off",
      // pgbouncer multiplexes them; a few per instance are enough.
      DATABASE_POOL_MAX: "12",
    };
  }

  /**
   * The failover after the primary's death: fence it (make sure it is down and mark it, so it is
   * only ever started again as a standby), then `pg_ctl promote` on the standby. That is all: the
   * pg-router's check finds the promoted node. Answers how long the promotion took and then how
   * long until the router sent connections to the new primary.
   */
  async failover(): Promise<{ promoteMs: number; routedMs: number }> {
    const [old, next] = [this.primary, this.standby];
    await old.kill();
    old.fenced = true;
    const t0 = Date.now();
    await next.promote();
    const t1 = Date.now();
    await this.router.waitFor(next.name);
    const t2 = Date.now();
    [this.primary, this.standby] = [next, old];
    return { promoteMs: t1 - t0, routedMs: t2 - t1 };
  }

  /**
   * After a failover: the fenced old primary becomes a standby of the new one (pg_rewind, or a new
   * base backup if that fails), through a new slot, and synchronous commit is restored through it.
   * Answers how, and how long it took until the new primary's commits waited for it again.
   */
  async rebuildStandby(): Promise<{ method: "pg_rewind" | "pg_basebackup"; ms: number }> {
    const t0 = Date.now();
    const node = this.standby;
    if (!node.fenced) throw new Error(`${node.name} is not a fenced old primary: nothing to rebuild`);
    await node.stop();
    // Replication slots are not replicated: the new primary has none yet.
    const slots = await this.primary.query<{ n: number }>("select count(*)::int as n from pg_replication_slots where slot_name = $1", [SLOT]);
    if (slots[0]?.n === 0) await this.primary.query("select pg_create_physical_replication_slot($1)", [SLOT]);
    // A just-promoted server's control file still names the old timeline until its first
    // checkpoint; pg_rewind reads it there, and would find "no rewind required".
    await this.primary.query("checkpoint");
    const method = node.rebuildFrom(this.primary, SLOT);
    await node.start();
    await makeSynchronous(this.primary, node);
    return { method, ms: Date.now() - t0 };
  }

  /** Stops everything (the app and worker first, Postgres last) and deletes the folder, or (kept) all but its configs and logs. */
  async stop(keep = false): Promise<void> {
    await this.lb?.stop().catch(() => {});
    await Promise.all([...this.apps.map((a) => a.stop()), this.worker?.stop()].map((p) => p?.catch(() => {})));
    await this.bouncer?.stop().catch(() => {});
    await this.router?.stop().catch(() => {});
    await Promise.all([this.primary?.stop(), this.standby?.stop()].map((p) => p?.catch(() => {})));
    // Kept for reading: the configs and logs; the data directories go either way.
    for (const node of [this.primary, this.standby]) if (node) fs.rmSync(node.data, { recursive: true, force: true });
    fs.rmSync(path.join(this.home, "wal-archive"), { recursive: true, force: true });
    if (!keep) fs.rmSync(this.home, { recursive: true, force: true });
  }
}
