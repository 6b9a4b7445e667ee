import "server-only";
import { EventEmitter } from "node:events";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import { taskList, type TaskDeps } from "./tasks";
import { unlockOnFatalError } from "./unlock";

export type WorkerOptions = TaskDeps & {
  connectionString: string;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** How often to look for due jobs that no notification announced (retries coming due), in ms. */
  pollIntervalMs?: number;
  /** Leave SIGINT/SIGTERM to the caller (tests, or a process that stops the runner itself). */
  noHandleSignals?: boolean;
};

/**
 * Starts the durable job runner (graphile-worker) on the app's Postgres. Any number may run at
 * once, in any number of processes: each job is locked by the one that takes it. New jobs are
 * announced by LISTEN/NOTIFY when their transaction commits; retries come due by polling.
 */
export function startWorker(opts: WorkerOptions): Promise<Runner> {
  const events: WorkerEvents = new EventEmitter();
  unlockOnFatalError(events, opts.connectionString);
  return run({
    events,
    connectionString: opts.connectionString,
    concurrency: opts.concurrency,
    maxPoolSize: opts.concurrency + 2,
    pollInterval: opts.pollIntervalMs ?? 2_000,
    noHandleSignals: opts.noHandleSignals ?? false,
    taskList: taskList(opts),
    // No recurring jobs yet: the scheduled routes (README, "Scheduled jobs") still run by cron.
    parsedCronItems: [],
  });
}
