import "server-only";
import { EventEmitter } from "node:events";
import { Logger, parseCronItems, run, type LogFunctionFactory, type Runner, type Task, type WorkerEvents } from "graphile-worker";
import { cronItems } from "@/lib/jobs/schedule";
import { log, withLogContext } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { inSpan } from "@/lib/observability/tracing";
import { taskList, type TaskDeps } from "./tasks";
import { startHeartbeat } from "./heartbeat";
import { unlockOnFatalError } from "./unlock";

export type WorkerOptions = TaskDeps & {
  connectionString: string;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** How often to look for due jobs that no notification announced (retries coming due), in ms. */
  pollIntervalMs?: number;
  /** Leave SIGINT/SIGTERM to the caller (tests, or a process that stops the runner itself). */
  noHandleSignals?: boolean;
  /** Run the schedule (lib/jobs/schedule.ts); default true. Tests that run the worker leave it off. */
  cron?: boolean;
  /** The liveness heartbeat's timing (lib/worker/heartbeat.ts); tests shorten it. */
  heartbeat?: { beatMs?: number; deadAfterMs?: number };
};

/** The runner's own messages, as JSON lines of the app's log (with the job's scope). */
const runnerLog: LogFunctionFactory = (scope) => (level, message) => {
  const fields = { runner: scope.label, job: scope.taskIdentifier, jobId: scope.jobId };
  const lvl = level === "error" ? "error" : level === "warning" ? "warn" : level === "debug" ? "debug" : "info";
  log[lvl](fields, message);
};

/** Every line a task logs names its job (task and id); each run is a span (lib/observability/tracing.ts). */
export function inJobContext(tasks: Record<string, Task>): Record<string, Task> {
  return Object.fromEntries(
    Object.entries(tasks).map(([name, task]): [string, Task] => [
      name,
      (payload, helpers) =>
        withLogContext({ job: name, jobId: String(helpers.job.id) }, () =>
          inSpan(`job ${name}`, { "freeline.job.task": name, "freeline.job.id": String(helpers.job.id), "freeline.job.attempt": helpers.job.attempts }, async () => {
            await task(payload, helpers);
          }),
        ),
    ]),
  );
}

/**
 * Starts the durable job runner (graphile-worker) on the app's Postgres. Any number may run at
 * once, in any number of processes: each job is locked by the one that takes it. New jobs are
 * announced by LISTEN/NOTIFY when their transaction commits; retries come due by polling. The
 * schedule's runs are made by whichever process reaches each one first (each run once).
 */
export async function startWorker(opts: WorkerOptions): Promise<Runner> {
  const events: WorkerEvents = new EventEmitter();
  unlockOnFatalError(events, opts.connectionString);
  // Says this runner is alive, and frees the jobs of runners that stopped saying so (killed mid-job).
  const heartbeat = startHeartbeat(events, opts.connectionString, opts.heartbeat);
  let runner: Runner;
  try {
    runner = await run({
      events,
      connectionString: opts.connectionString,
      concurrency: opts.concurrency,
      maxPoolSize: opts.concurrency + 2,
      pollInterval: opts.pollIntervalMs ?? 2_000,
      noHandleSignals: opts.noHandleSignals ?? false,
      logger: new Logger(runnerLog),
      taskList: inJobContext(taskList(opts)),
      parsedCronItems: opts.cron === false ? [] : parseCronItems(cronItems()),
    });
  } catch (e) {
    await heartbeat.stop();
    throw e;
  }
  const stopBeating = () => heartbeat.stop();
  void runner.promise.then(stopBeating, stopBeating);
  const m = metrics();
  runner.events.on("job:success", ({ job }) => m.jobsFinished.inc({ task: job.task_identifier, outcome: "ok" }));
  runner.events.on("job:error", ({ job }) => {
    // job:failed follows when this was the last attempt; count each attempt once.
    if (job.attempts < job.max_attempts) m.jobsFinished.inc({ task: job.task_identifier, outcome: "error" });
  });
  runner.events.on("job:failed", ({ job }) => m.jobsFinished.inc({ task: job.task_identifier, outcome: "failed" }));
  return runner;
}
