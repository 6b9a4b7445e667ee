import "server-only";
import type { WorkerEvents } from "graphile-worker";
import pg from "pg";
import { log } from "@/lib/observability/log";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Frees the jobs a dead worker still holds, as soon as the database answers (retrying every
 * `waitMs`, at most `tries` times). Answers whether it got through.
 *
 * Why: graphile-worker ends a worker that cannot record a job's outcome ("committing seppuku": the
 * task returned or threw, then the database went away before the release). The job stays locked by
 * that dead worker, and graphile-worker takes such a lock back only after 4 hours. The chaos run
 * found a refund waiting like that after its Postgres restart, invisible to the operator console
 * (which lists jobs whose retries are exhausted, not locked ones). Freeing it at once is safe: the
 * attempt is over, and a job run again is deduplicated by its out-id.
 */
export async function unlockDeadWorker(connectionString: string, workerId: string, opts: { tries?: number; waitMs?: number } = {}): Promise<boolean> {
  const tries = opts.tries ?? 150;
  for (let i = 0; i < tries; i++) {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("select graphile_worker.force_unlock_workers($1::text[])", [[workerId]]);
      return true;
    } catch {
      await sleep(opts.waitMs ?? 2_000);
    } finally {
      await client.end().catch(() => {});
    }
  }
  return false;
}

/** Frees a worker's jobs whenever graphile-worker reports it dead (worker:fatalError). */
export function unlockOnFatalError(events: WorkerEvents, connectionString: string, opts?: { tries?: number; waitMs?: number }): void {
  events.on("worker:fatalError", ({ worker }) => {
    void unlockDeadWorker(connectionString, worker.workerId, opts).then((ok) => {
      log.error({ workerId: worker.workerId, freed: ok }, ok ? "a worker died holding jobs; its jobs are free again" : "a worker died holding jobs; could not free them (graphile-worker frees them after 4 hours)");
    });
  });
}
