// What the phases share: the run as they see it, the closed loop at the run's sizes, the three
// clocks read around a measured window, and the lines a phase prints.
import type pg from "pg";
import { backendsCpu, cpuBetween, type DbClock } from "./db-time";
import { runLoad, type RunResult, type WindowHooks } from "./load";
import { loadAvg, log } from "./log";
import type { BenchCustomer, BenchStore } from "./seed";

export type Sizes = {
  stores: number;
  customers: number;
  loadS: number;
  warmS: number;
  drainEntries: number;
  drainCover: number;
  positionEntries: number;
  positionS: number;
};

/** The run as the phases see it. */
export type Bench = {
  sizes: Sizes;
  concurrency: number;
  /** False for a phase that --only leaves out. */
  want: (phase: string) => boolean;
  /** The server under test. */
  base: URL;
  /** The bench's own connections to the bench database: seeding, VACUUM, the clocks. */
  raw: pg.Pool;
  stores: BenchStore[];
  customers: BenchCustomer[];
  clock: DbClock;
  /** next-server CPU so far, in ms. */
  serverCpu: () => number;
};

/** A phase that --only left out: NaN figures, which become null in bench-results.json. */
export const SKIPPED: RunResult = { ok: 0, errors: 0, seconds: 0, perSecond: NaN, p50: NaN, p95: NaN, p99: NaN, firstErrors: [], completed: 0 };

export const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

/**
 * What one operation of a phase cost: next-server CPU, the database backends' CPU, and database
 * time as the server counts it (wall clock, see scripts/bench/db-time.ts).
 */
export type Cost = { cpuMsPerOp: number; dbCpuMsPerOp: number; dbMsPerOp: number };

/**
 * Window hooks that read the three clocks at the window's start and end; `cost()` divides by the
 * operations of that window once the phase has run.
 */
export function metered(clock: DbClock, pool: pg.Pool, serverCpuMs: () => number): { hooks: WindowHooks; cost: (r: RunResult) => Cost } {
  let cpu0 = 0;
  let db0 = 0;
  let backends0 = new Map<number, number>();
  let cpu = NaN;
  let dbMs = NaN;
  let dbCpu = NaN;
  return {
    hooks: {
      start: async () => {
        db0 = await clock.read();
        backends0 = await backendsCpu(pool);
        cpu0 = serverCpuMs();
      },
      end: async () => {
        cpu = serverCpuMs() - cpu0;
        const backends = await backendsCpu(pool);
        dbCpu = backends.size > 0 ? cpuBetween(backends0, backends) : NaN;
        dbMs = (await clock.read()) - db0;
      },
    },
    cost: (r) =>
      r.completed > 0
        ? { cpuMsPerOp: cpu / r.completed, dbCpuMsPerOp: dbCpu / r.completed, dbMsPerOp: dbMs / r.completed }
        : { cpuMsPerOp: NaN, dbCpuMsPerOp: NaN, dbMsPerOp: NaN },
  };
}

export function show(name: string, r: RunResult): void {
  if (r === SKIPPED) return;
  log(
    `${name}: ${r.perSecond.toFixed(1)}/s  p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ` +
      `(${r.ok} ok, ${r.errors} errors, load ${loadAvg()})`,
  );
  for (const e of r.firstErrors) log(`  error: ${e.slice(0, 300)}`);
}

export function showCost(name: string, c: Cost): void {
  if (Number.isNaN(c.cpuMsPerOp)) return;
  log(
    `  ${name}, per operation: next-server CPU ${c.cpuMsPerOp.toFixed(2)} ms, Postgres backends' CPU ${c.dbCpuMsPerOp.toFixed(2)} ms, ` +
      `database time ${c.dbMsPerOp.toFixed(2)} ms`,
  );
}

/** The phase's closed loop at the run's concurrency and sizes, or SKIPPED when --only leaves it out. */
export function loadPhase(b: Bench, phase: string, op: () => Promise<void>, hooks?: WindowHooks): Promise<RunResult> {
  if (!b.want(phase)) return Promise.resolve(SKIPPED);
  return runLoad({ concurrency: b.concurrency, seconds: b.sizes.loadS, warmupSeconds: b.sizes.warmS, hooks }, op);
}

/** An order phase: its loop, printed, with what one order cost over the measured window. */
export async function meteredPhase(
  b: Bench,
  phase: string,
  label: { run: string; cost: string },
  op: () => Promise<void>,
): Promise<{ r: RunResult; cost: Cost }> {
  const m = metered(b.clock, b.raw, b.serverCpu);
  const r = await loadPhase(b, phase, op, m.hooks);
  show(label.run, r);
  const cost = m.cost(r);
  showCost(label.cost, cost);
  return { r, cost };
}
