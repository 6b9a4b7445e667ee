// `npm run scheduler`: calls the cron routes on schedule, for deployments without Vercel Cron
// (vercel.json holds the same schedule for Vercel). A small long-running process:
//
// - release: daily at 00:05 Asia/Shanghai; expire: daily at 00:15; sweep and expire-orders: every minute.
// - On start it runs release and expire once: both are idempotent, so a scheduler that was down
//   at 00:05 still releases today's points when it comes back.
// - A job that answers `done: false` (its time budget ran out) is called again at once.
// - Network errors, 429 and 5xx are retried with exponential backoff and jitter; other 4xx
//   (a wrong secret, a bad request) are logged and not retried.
// - One line of log per call. SIGTERM / SIGINT: no new calls; calls in flight get a grace
//   period, then are aborted; exit 0.
//
// It calls APP_INTERNAL_URL (default http://localhost:$PORT) with `Authorization: Bearer
// $CRON_SECRET`. With DATABASE_URL unset, `npm start` keeps its generated secrets in
// .data/secrets.json; the scheduler then reads CRON_SECRET from there, as start.ts does.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TIME_ZONE_OFFSET_MS } from "@/i18n/config";
import { env, internalUrl } from "@/lib/env";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The platform's time zone (Asia/Shanghai) keeps one offset all year. */
const SHANGHAI_OFFSET = TIME_ZONE_OFFSET_MS;

type Schedule = (after: Date) => Date;

/** Every `n` minutes, on the minute boundary. */
function everyMinutes(n: number): Schedule {
  return (after) => new Date((Math.floor(after.getTime() / (n * MINUTE)) + 1) * n * MINUTE);
}

/** Daily at hh:mm Asia/Shanghai: the first such instant strictly after `after`. */
function dailyAtShanghai(hh: number, mm: number): Schedule {
  return (after) => {
    const local = after.getTime() + SHANGHAI_OFFSET;
    let at = Math.floor(local / DAY) * DAY + (hh * 60 + mm) * MINUTE;
    if (at <= local) at += DAY;
    return new Date(at - SHANGHAI_OFFSET);
  };
}

type Job = {
  name: string;
  path: string;
  schedule: Schedule;
  runAtStart: boolean;
  /** Per-call timeout: the routes stop starting work after 50 s. */
  timeoutMs: number;
};

const JOBS: Job[] = [
  { name: "release", path: "/api/cron/release", schedule: dailyAtShanghai(0, 5), runAtStart: true, timeoutMs: 5 * MINUTE },
  { name: "expire", path: "/api/cron/expire", schedule: dailyAtShanghai(0, 15), runAtStart: true, timeoutMs: 5 * MINUTE },
  { name: "sweep", path: "/api/cron/sweep", schedule: everyMinutes(1), runAtStart: false, timeoutMs: 2 * MINUTE },
  { name: "expire-orders", path: "/api/cron/expire-orders", schedule: everyMinutes(1), runAtStart: true, timeoutMs: 2 * MINUTE },
  { name: "prune", path: "/api/cron/prune", schedule: everyMinutes(60), runAtStart: true, timeoutMs: 2 * MINUTE },
  { name: "points-warnings", path: "/api/cron/points-warnings", schedule: dailyAtShanghai(10, 0), runAtStart: false, timeoutMs: 5 * MINUTE },
];

const RETRIES = 5;
const BACKOFF_MS = 2_000;
/** Guards against a job that keeps answering `done: false` without progress. */
const MAX_CONTINUATIONS = 500;
const GRACE_MS = 15_000;

function log(msg: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ at: new Date().toISOString(), src: "scheduler", msg, ...fields }));
}

function cronSecret(): string {
  if (!env.DATABASE_URL) {
    try {
      const stored = JSON.parse(fs.readFileSync(path.join(root, ".data", "secrets.json"), "utf8")) as { CRON_SECRET?: unknown };
      if (typeof stored.CRON_SECRET === "string" && stored.CRON_SECRET.length >= 16) return stored.CRON_SECRET;
    } catch {
      // No generated secrets: fall back to the environment (or its development default).
    }
  }
  return env.CRON_SECRET;
}

const baseUrl = internalUrl().replace(/\/+$/, "");
const secret = cronSecret();
/** Aborted on SIGTERM/SIGINT: wakes backoff sleeps. */
const stopRequested = new AbortController();
/** Aborted after the grace period: cancels calls still in flight. */
const shutdown = new AbortController();
const timers = new Map<string, NodeJS.Timeout>();
const inFlight = new Set<Promise<void>>();
let stopping = false;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    stopRequested.signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

type CallResult = { ok: boolean; status: number; body: unknown };

/** One HTTP call, retried on network errors, 429 and 5xx. */
async function call(job: Job): Promise<CallResult> {
  for (let attempt = 1; ; attempt++) {
    const t0 = Date.now();
    let status = 0;
    let body: unknown = null;
    let error: string | undefined;
    try {
      const res = await fetch(`${baseUrl}${job.path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}` },
        signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(job.timeoutMs)]),
      });
      status = res.status;
      const text = await res.text();
      try {
        body = JSON.parse(text);
      } catch {
        body = text.slice(0, 200);
      }
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${(e.cause as NodeJS.ErrnoException).code ?? e.cause.message}` : "";
      error = e instanceof Error ? `${e.message}${cause}` : String(e);
    }
    const ms = Date.now() - t0;
    const ok = status >= 200 && status < 300;
    log(ok ? "call ok" : "call failed", { job: job.name, attempt, status, ms, ...(error ? { error } : {}), body });
    if (ok) return { ok, status, body };
    const retryable = status === 0 || status === 429 || status >= 500;
    if (!retryable || attempt > RETRIES || stopping) return { ok, status, body };
    const wait = BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random());
    log("retrying", { job: job.name, inMs: Math.round(wait) });
    await sleep(wait);
    if (stopping) return { ok, status, body };
  }
}

/** Calls a job until it reports it is done (or fails, or the process stops). */
async function runJob(job: Job): Promise<void> {
  for (let i = 0; i < MAX_CONTINUATIONS && !stopping; i++) {
    const r = await call(job);
    const more = r.ok && typeof r.body === "object" && r.body !== null && (r.body as { done?: unknown }).done === false;
    if (!more) return;
  }
}

function track(p: Promise<void>): Promise<void> {
  inFlight.add(p);
  return p.finally(() => inFlight.delete(p));
}

function schedule(job: Job): void {
  if (stopping) return;
  const now = new Date();
  const at = job.schedule(now);
  const timer = setTimeout(() => {
    // The next run is planned from when this one finishes, so runs of one job never overlap.
    void track(runJob(job)).finally(() => schedule(job));
  }, at.getTime() - now.getTime());
  timers.set(job.name, timer);
  if (job.name !== "sweep" && job.name !== "expire-orders") log("scheduled", { job: job.name, next: at.toISOString() });
}

async function stop(signal: string): Promise<void> {
  if (stopping) {
    log("second signal: exiting now", { signal });
    process.exit(1);
  }
  stopping = true;
  stopRequested.abort();
  log("stopping", { signal, inFlight: inFlight.size });
  for (const t of timers.values()) clearTimeout(t);
  timers.clear();
  const grace = new Promise<void>((resolve) => setTimeout(resolve, GRACE_MS).unref());
  await Promise.race([Promise.allSettled([...inFlight]), grace]);
  // Aborting stops waiting; the server finishes (or rolls back) whatever it was doing on its own.
  shutdown.abort();
  await Promise.allSettled([...inFlight]);
  log("stopped");
  process.exit(0);
}

function main(): void {
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  log("starting", { url: baseUrl, jobs: JOBS.map((j) => j.name) });
  for (const job of JOBS) {
    if (job.runAtStart) void track(runJob(job)).finally(() => schedule(job));
    else schedule(job);
  }
}

main();
