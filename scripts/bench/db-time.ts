// Database time per operation, for orders.db_ms_ratio: how long Postgres spent on a phase's
// statements, which other engineers' builds on the shared cores blur far less than throughput does.
//
// Two sources, the better one that the server offers:
// - pg_stat_statements (when the server preloads it): the execution time of every statement of the
//   bench database, with the planning time too when `pg_stat_statements.track_planning` is on;
// - otherwise pg_stat_database.active_time (Postgres 14+, always there): the time this database's
//   sessions spent active, i.e. from receiving a statement to being ready for the next one: parse,
//   plan, execution and lock waits alike. Backends report it when they fall idle (at most once a
//   second), so a reading waits for that flush after the phase.
import pg from "pg";
import { processCpuMs } from "./server";

// Both are wall-clock time: on shared cores a backend that waits for a core, or for a lock behind
// 31 other clients, is "executing" all the while (a run at load average 20 gave the reference 41 ms
// of database time per order). So the bench also reads the CPU time the bench database's backends
// used, from /proc/<pid>/stat, when Postgres runs on this machine: the figure db_ms_ratio uses.

/** CPU ms used so far by each backend of the bench database; empty when they are not on this machine. */
export async function backendsCpu(pool: pg.Pool): Promise<Map<number, number>> {
  const r = await pool.query<{ pid: number }>("select pid from pg_stat_activity where datname = current_database()");
  const out = new Map<number, number>();
  for (const { pid } of r.rows) {
    const ms = processCpuMs(pid);
    if (ms !== null) out.set(pid, ms);
  }
  return out;
}

/** CPU ms the backends used between two readings (a backend that connected since counts whole). */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

export type DbClock = {
  /** Which counter the readings come from, for the printed table. */
  source: string;
  /** Milliseconds of database time so far, for deltas around a phase. */
  read: () => Promise<number>;
};

/** Backends flush their session statistics when idle, at most once a second (PGSTAT_MIN_INTERVAL). */
const FLUSH_WAIT_MS = 1_500;

export async function dbClock(pool: pg.Pool): Promise<DbClock> {
  try {
    await pool.query("create extension if not exists pg_stat_statements");
    // Fails unless shared_preload_libraries loads the module.
    const planning = await pool.query<{ on: string }>("select current_setting('pg_stat_statements.track_planning') as on");
    const withPlan = planning.rows[0]?.on === "on";
    return {
      source: withPlan ? "pg_stat_statements (execution + planning)" : "pg_stat_statements (execution only)",
      read: async () => {
        const r = await pool.query<{ ms: number }>(
          `select coalesce(sum(total_exec_time${withPlan ? " + total_plan_time" : ""}), 0)::float8 as ms
           from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())`,
        );
        return Number(r.rows[0]?.ms ?? 0);
      },
    };
  } catch {
    return {
      source: "pg_stat_database.active_time (pg_stat_statements is not preloaded on this server)",
      read: async () => {
        await new Promise((r) => setTimeout(r, FLUSH_WAIT_MS));
        const r = await pool.query<{ ms: number }>(
          "select active_time::float8 as ms from pg_stat_database where datname = current_database()",
        );
        return Number(r.rows[0]?.ms ?? 0);
      },
    };
  }
}
