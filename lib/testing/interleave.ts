// A step scheduler for deterministic interleaving tests, in the style of Postgres's isolation
// tester: each session is one real connection with an explicit BEGIN/COMMIT; a test runs steps on
// the sessions in a fixed order and says, for each step, whether it must complete or must block.
// Blocking is observed, never guessed from sleeps: a monitor connection polls pg_stat_activity
// for the step's backend waiting on a heavyweight lock (wait_event_type = 'Lock') and records
// which backends block it (pg_blocking_pids).
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { Tx } from "@/db";
import * as schema from "@/db/schema";
import { databaseUrl } from "@/lib/env";

/** How long a step may take to complete, or to show up as blocked, before the schedule fails. */
const STEP_TIMEOUT_MS = 5_000;
const POLL_MS = 10;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class Step<T> {
  private settled: Settled<T> | undefined;
  readonly promise: Promise<Settled<T>>;

  constructor(
    readonly session: Session,
    readonly label: string,
    run: Promise<T>,
  ) {
    this.promise = run.then(
      (value) => (this.settled = { ok: true, value }),
      (error: unknown) => (this.settled = { ok: false, error }),
    );
  }

  get name(): string {
    return `${this.session.name}: ${this.label}`;
  }

  /** Waits until the step's backend waits on a lock; returns the names of the sessions blocking it. */
  async blocks(): Promise<string[]> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      if (this.settled) {
        const how = this.settled.ok ? "completed" : `failed (${errorText(this.settled.error)})`;
        throw new Error(`${this.name} was expected to block, but ${how}`);
      }
      const blockers = await this.session.scheduler.blockersOf(this.session);
      if (blockers) {
        this.session.scheduler.trace.push(`${this.name} <waiting on ${blockers.join(", ") || "?"}>`);
        return blockers;
      }
      if (Date.now() > deadline) throw new Error(`${this.name} neither blocked nor completed within ${STEP_TIMEOUT_MS} ms`);
      await sleep(POLL_MS);
    }
  }

  /** The step's outcome once it has run; fails the schedule if it blocks (or hangs) instead. */
  private async settle(mayBlock = false): Promise<Settled<T>> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const s = await Promise.race([this.promise, sleep(POLL_MS).then(() => undefined)]);
      if (s) return s;
      const blockers = mayBlock ? null : await this.session.scheduler.blockersOf(this.session);
      if (blockers) throw new Error(`${this.name} blocked on ${blockers.join(", ") || "?"} but was expected to complete`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not complete within ${STEP_TIMEOUT_MS} ms`);
    }
  }

  /** Waits for the step to succeed without blocking and returns its result. */
  async completes(): Promise<T> {
    const s = await this.settle();
    if (!s.ok) throw new Error(`${this.name} was expected to succeed but failed: ${errorText(s.error)}`, { cause: s.error });
    this.session.scheduler.trace.push(`${this.name} -> ok`);
    return s.value;
  }

  /** Waits for the step to fail without blocking and returns its error. */
  fails(): Promise<unknown> {
    return this.failure(false);
  }

  /** For a blocked step: waits, still blocked, until it fails on its own (lock_timeout); returns the error. */
  givesUp(): Promise<unknown> {
    return this.failure(true);
  }

  private async failure(mayBlock: boolean): Promise<unknown> {
    const s = await this.settle(mayBlock);
    if (s.ok) throw new Error(`${this.name} was expected to fail but returned ${JSON.stringify(s.value)}`);
    this.session.scheduler.trace.push(`${this.name} -> error: ${errorText(s.error)}`);
    return s.error;
  }
}

export class Session {
  private constructor(
    readonly scheduler: Scheduler,
    readonly name: string,
    readonly client: pg.Client,
    /** This session's connection as a transaction handle: every domain function takes one. */
    readonly tx: Tx,
    readonly pid: number,
  ) {}

  static async open(scheduler: Scheduler, name: string, url: string): Promise<Session> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    client.on("error", () => {});
    await client.connect();
    // A schedule that goes wrong must fail, not hang: no wait may outlive the step timeout by much.
    await client.query(`set lock_timeout = '20s'; set statement_timeout = '25s'; set application_name = 'interleave-${name}'`);
    const res = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
    // drizzle over this one client: its queries run inside the BEGIN issued on the same connection.
    const tx = drizzle(client, { schema }) as unknown as Tx;
    return new Session(scheduler, name, client, tx, Number(res.rows[0]!.pid));
  }

  /** Starts a step; the caller then says whether it `completes()`, `fails()` or `blocks()`. */
  run<T>(label: string, fn: (tx: Tx) => Promise<T>): Step<T> {
    this.scheduler.trace.push(`${this.name}: ${label}`);
    return new Step(this, label, fn(this.tx));
  }

  /** Runs a step that must complete without blocking; returns its result. */
  step<T>(label: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(label, fn).completes();
  }

  begin(): Promise<void> {
    return this.step("begin", async () => void (await this.client.query("begin")));
  }

  commit(): Promise<void> {
    return this.step("commit", async () => void (await this.client.query("commit")));
  }

  rollback(): Promise<void> {
    return this.step("rollback", async () => void (await this.client.query("rollback")));
  }
}

/** A set of sessions plus the monitor connection that watches them. */
export class Scheduler {
  readonly sessions: Session[] = [];
  /** What ran, in order, with who waited on whom: printed when a schedule fails. */
  readonly trace: string[] = [];

  private constructor(private readonly monitor: pg.Client) {}

  static async open<N extends string>(names: readonly N[], url = databaseUrl()): Promise<Scheduler & Record<N, Session>> {
    const monitor = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    monitor.on("error", () => {});
    await monitor.connect();
    const s = new Scheduler(monitor);
    try {
      for (const name of names) {
        const session = await Session.open(s, name, url);
        s.sessions.push(session);
        (s as unknown as Record<string, Session>)[name] = session;
      }
    } catch (e) {
      await s.close();
      throw e;
    }
    return s as Scheduler & Record<N, Session>;
  }

  /** The sessions blocking `session` when its backend waits on a lock, else null. */
  async blockersOf(session: Session): Promise<string[] | null> {
    const res = await this.monitor.query<{ wait_event_type: string | null; blockers: number[] }>(
      "select wait_event_type, pg_blocking_pids(pid) as blockers from pg_stat_activity where pid = $1",
      [session.pid],
    );
    const row = res.rows[0];
    if (!row || row.wait_event_type !== "Lock" || row.blockers.length === 0) return null;
    return row.blockers.map((pid) => this.sessions.find((x) => x.pid === Number(pid))?.name ?? `pid ${pid}`);
  }

  /** Rolls back whatever is still open and closes every connection. */
  async close(): Promise<void> {
    for (const s of this.sessions) {
      await s.client.query("rollback").catch(() => {});
      await s.client.end().catch(() => {});
    }
    await this.monitor.end().catch(() => {});
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
