import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { eq, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type { WorkerEvents } from "graphile-worker";
import pg from "pg";
import { mapFirst } from "@/db/rows";
import { jobRunners } from "@/db/schema";
import { log } from "@/lib/observability/log";

/**
 * A runner killed mid-job (SIGKILL, an OOM kill, a machine gone) leaves its job locked by its
 * graphile-worker worker id, and graphile-worker takes such a lock back only after 4 hours: a refund
 * or a transfer would wait that long. Graphile-worker cannot tell a dead holder from a slow one, so
 * each runner says it is alive:
 *
 * - it keeps a row in `job_runners` with its worker ids, and refreshes `seen_at` every BEAT_MS;
 * - on the same beat it frees the jobs whose lock is older than DEAD_AFTER_MS and whose worker no
 *   row refreshed within DEAD_AFTER_MS names (graphile_worker.force_unlock_workers), so another
 *   runner takes them on its next poll: a crashed runner's jobs run again within about three minutes.
 *
 * Never while the holder is alive: a live runner's row is refreshed every 15 s, eight times within
 * DEAD_AFTER_MS, and a job is held by a worker of the very process that refreshes it. A runner that
 * cannot reach the database for two minutes is not alive for this purpose, but it cannot record its
 * job's outcome either (graphile-worker then ends it: lib/worker/unlock.ts); and a job run again is
 * deduplicated by its out-id at the provider. The row goes when the runner stops; rows of runners
 * gone for a day are deleted by the others.
 */
export const BEAT_MS = 15_000;
export const DEAD_AFTER_MS = 120_000;

export type Heartbeat = {
  instanceId: string;
  /** One beat now: refresh this runner's row, then free dead runners' jobs. Answers the worker ids freed. */
  beat(): Promise<string[]>;
  stop(): Promise<void>;
};

/**
 * Frees jobs locked longer than `deadAfterMs` by workers that no runner row refreshed within
 * `deadAfterMs` names. Answers their worker ids.
 */
export async function freeDeadRunnersJobs(client: pg.Pool | pg.Client, deadAfterMs = DEAD_AFTER_MS): Promise<string[]> {
  const dead = await client.query(
    `select array_agg(distinct j.locked_by) as ids
     from graphile_worker._private_jobs j
     where j.locked_by is not null and j.locked_at < now() - make_interval(secs => $1::float8 / 1000)
       and not exists (
         select 1 from job_runners r
         where j.locked_by = any(r.worker_ids) and r.seen_at > now() - make_interval(secs => $1::float8 / 1000))`,
    [deadAfterMs],
  );
  const ids = mapFirst(dead, (r) => r.strList("ids")) ?? [];
  if (ids.length > 0) await client.query("select graphile_worker.force_unlock_workers($1::text[])", [ids]);
  return ids;
}

/**
 * Starts this runner's heartbeat: collects its worker ids from graphile-worker's `worker:create`
 * events (pass the same emitter to run()), beats every `beatMs`.
 */
export function startHeartbeat(
  events: WorkerEvents,
  connectionString: string,
  opts: { beatMs?: number; deadAfterMs?: number } = {},
): Heartbeat {
  const beatMs = opts.beatMs ?? BEAT_MS;
  const deadAfterMs = opts.deadAfterMs ?? DEAD_AFTER_MS;
  const instanceId = `runner-${os.hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const workerIds = new Set<string>();
  events.on("worker:create", ({ worker }) => {
    workerIds.add(worker.workerId);
    void beat().catch(() => {});
  });
  const pool = new pg.Pool({ connectionString, max: 1, connectionTimeoutMillis: 5_000 });
  pool.on("error", () => {});
  // A pool of its own rather than the app's, so a busy app pool cannot delay a beat; drizzle over it
  // for the runner's own row.
  const conn = drizzle(pool);
  let failingSince: number | null = null;

  async function beat(): Promise<string[]> {
    try {
      await conn
        .insert(jobRunners)
        .values({ instanceId, workerIds: [...workerIds], host: os.hostname(), pid: String(process.pid) })
        .onConflictDoUpdate({ target: jobRunners.instanceId, set: { workerIds: sql`excluded.worker_ids`, seenAt: sql`now()` } });
      failingSince = null;
      const freed = await freeDeadRunnersJobs(pool, deadAfterMs);
      if (freed.length > 0) log.warn({ workers: freed }, "freed the jobs of job runners that stopped beating (killed or crashed)");
      await conn.delete(jobRunners).where(lt(jobRunners.seenAt, sql`now() - interval '1 day'`));
      return freed;
    } catch (err) {
      failingSince ??= Date.now();
      // Past DEAD_AFTER_MS the others may take this runner's jobs: say so loudly.
      if (Date.now() - failingSince > deadAfterMs / 2) log.error({ err, instanceId }, "job runner heartbeat failing: its jobs will be freed for others if it goes on");
      throw err;
    }
  }

  const timer = setInterval(() => void beat().catch(() => {}), beatMs);
  timer.unref();
  return {
    instanceId,
    beat,
    async stop() {
      clearInterval(timer);
      await conn.delete(jobRunners).where(eq(jobRunners.instanceId, instanceId)).catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
