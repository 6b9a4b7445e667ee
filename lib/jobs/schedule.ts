import type { CronItem } from "graphile-worker";

/**
 * The one schedule of the recurring jobs: graphile-worker's cron runs it in every worker process
 * (lib/worker/run.ts), and each run happens once however many workers run (the runner records each
 * run per identifier in its own table). Adding a recurring job is one line here plus its task in
 * lib/worker/tasks.ts (the task list's type refuses a line without one).
 *
 * Patterns are read in UTC, the runner's clock. Asia/Shanghai is UTC+8 all year (no daylight
 * saving), so 00:05 in Shanghai is `5 16 * * *` the day before, in UTC.
 */
export type ScheduledJob = {
  /** The task that runs (lib/worker/tasks.ts), and the identifier the runner records runs under. */
  task: string;
  /** minute hour day-of-month month day-of-week, in UTC. */
  cron: string;
  /** Tries of one run before it is given up and listed on /operator/jobs. */
  maxAttempts: number;
  /**
   * A run missed while no worker was running is made up when one starts, if it is at most this
   * old (in ms). 0: a missed run is skipped (the next one does the same work).
   */
  catchUpMs: number;
  /** The route that runs the same domain function on demand, with the cron secret (operators, tests). */
  route: string;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const SCHEDULE = [
  // 00:05 Shanghai: the day's release of locked points (idempotent per customer and day).
  { task: "points.release", cron: "5 16 * * *", maxAttempts: 8, catchUpMs: DAY, route: "/api/cron/release" },
  // 00:15 Shanghai: lots past their expiry (idempotent: an expired lot holds nothing).
  { task: "points.expire", cron: "15 16 * * *", maxAttempts: 8, catchUpMs: DAY, route: "/api/cron/expire" },
  // The safety net behind queue.drain: pays every auto queue whose pool covers its head.
  { task: "queue.sweep", cron: "* * * * *", maxAttempts: 2, catchUpMs: 0, route: "/api/cron/sweep" },
  // Pending orders not paid in time: closed at their provider, then marked expired.
  { task: "orders.expire", cron: "* * * * *", maxAttempts: 2, catchUpMs: 0, route: "/api/cron/expire-orders" },
  // 10:00 Shanghai (02:00 UTC): customers whose points expire within 3 days are told, once per day of expiry.
  { task: "points.warn", cron: "0 2 * * *", maxAttempts: 5, catchUpMs: DAY, route: "/api/cron/points-warnings" },
  // 10:30 Shanghai (02:30 UTC): yesterday's bill of each provider against the ledger, one
  // reconcile.day job each; late enough that both providers have made the day's bill.
  { task: "reconcile.yesterday", cron: "30 2 * * *", maxAttempts: 8, catchUpMs: DAY, route: "/api/cron/reconcile" },
  // Login-throttle buckets that hold nothing any more, and SMS codes dead for a day.
  { task: "auth.prune", cron: "35 * * * *", maxAttempts: 3, catchUpMs: 0, route: "/api/cron/prune" },
] as const satisfies readonly ScheduledJob[];

export type ScheduledTask = (typeof SCHEDULE)[number]["task"];

/**
 * The schedule as graphile-worker's cron items. Each run gets the key `cron:<task>`, so a worker
 * that falls behind holds at most one waiting run per job (a new one replaces a waiting one,
 * keeping its due time), never a pile.
 */
export function cronItems(schedule: readonly ScheduledJob[] = SCHEDULE): CronItem[] {
  return schedule.map((s) => ({
    task: s.task,
    identifier: s.task,
    match: s.cron,
    options: { backfillPeriod: s.catchUpMs, maxAttempts: s.maxAttempts, jobKey: `cron:${s.task}`, jobKeyMode: "preserve_run_at" },
  }));
}

/** The instant a scheduled run was due, from the `_cron` field the runner puts in its payload. */
export function scheduledAt(payload: unknown, fallback: Date = new Date()): Date {
  const ts = (payload as { _cron?: { ts?: unknown } } | null)?._cron?.ts;
  const at = typeof ts === "string" ? new Date(ts) : null;
  return at && !Number.isNaN(at.getTime()) ? at : fallback;
}
