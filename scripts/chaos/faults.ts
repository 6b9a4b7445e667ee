// The faults: backends terminated at random (repeatedly), one immediate Postgres stop and restart,
// and one SIGKILL of an app instance while it runs a large drain.
import type pg from "pg";
import type { Throwaway } from "@/lib/testing/throwaway-postgres";
import { CRON_SECRET } from "@/e2e/test-env";
import type { AppInstance } from "./cluster";
import { callRoute } from "./http";
import type { Rng } from "./rng";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type FaultLog = {
  terminated: number;
  terminateRounds: number;
  postgresRestart?: { downMs: number; at: string };
  appKill?: { instance: string; paidBeforeKill: number; entries: number; midDrain: boolean; restartMs: number; at: string };
};

/** The app's backends in our database: every client connection but the chaos run's own. */
const APP_BACKENDS = `
  select pid, state from pg_stat_activity
  where datname = current_database() and backend_type = 'client backend'
    and pid <> pg_backend_pid() and application_name <> 'chaos-monitor'`;

export class Faults {
  readonly log: FaultLog = { terminated: 0, terminateRounds: 0 };
  private paused = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly pgx: Throwaway,
    private readonly db: pg.Pool,
    private readonly rng: Rng,
  ) {}

  /** Terminates 1–2 app backends every 0.5–2.5 s, busy ones first, until stopped. */
  startTerminator(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await sleep(this.rng.int(500, 2_500));
        if (this.stopped || this.paused > 0) continue;
        try {
          const res = await this.db.query<{ pid: number; state: string }>(APP_BACKENDS);
          const busy = res.rows.filter((r) => r.state !== "idle");
          const pool = busy.length > 0 && this.rng.chance(0.8) ? busy : res.rows;
          if (pool.length === 0) continue;
          const victims = new Set(Array.from({ length: this.rng.int(1, 2) }, () => this.rng.pick(pool).pid));
          const killed = await this.db.query<{ ok: boolean }>("select pg_terminate_backend(pid) as ok from unnest($1::int[]) pid", [[...victims]]);
          this.log.terminated += killed.rows.filter((r) => r.ok).length;
          this.log.terminateRounds += 1;
        } catch {
          /* Postgres is restarting: try again later */
        }
      }
    })();
  }

  async stopTerminator(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Postgres stops at once (SIGQUIT, like a crash) and starts again on the same data. */
  async restartPostgres(downMs: number): Promise<void> {
    this.paused += 1;
    try {
      const at = new Date().toISOString();
      const t0 = Date.now();
      await this.pgx.stop("immediate");
      await sleep(downMs);
      await this.pgx.start();
      this.log.postgresRestart = { downMs: Date.now() - t0, at };
    } finally {
      this.paused -= 1;
    }
  }

  /**
   * Starts a drain of the big manual queue on `victim`, waits until its first batch has committed,
   * SIGKILLs the instance while the drain goes on, then starts it again.
   */
  async killDuringDrain(victim: AppInstance, queueId: number, entries: number): Promise<void> {
    this.paused += 1;
    try {
      const paid = async () => Number((await this.db.query("select count(*) as n from payouts where queue_id = $1", [queueId])).rows[0].n);
      const before = await paid();
      const at = new Date().toISOString();
      const drain = callRoute(victim.base, "POST", `/api/queues/${queueId}/drain`, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
      let now = before;
      const deadline = Date.now() + 60_000;
      while (now === before && Date.now() < deadline) {
        await sleep(15);
        now = await paid();
      }
      await victim.kill();
      const paidBeforeKill = (await paid()) - before;
      const answer = await drain;
      const t0 = Date.now();
      await victim.start();
      this.log.appKill = {
        instance: victim.name,
        paidBeforeKill,
        entries,
        midDrain: paidBeforeKill > 0 && paidBeforeKill < entries && answer.kind === "lost",
        restartMs: Date.now() - t0,
        at,
      };
    } finally {
      this.paused -= 1;
    }
  }
}
