import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { parseCronItems } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { cronItems, SCHEDULE, scheduledAt } from "./schedule";

const SHANGHAI_MS = 8 * 3_600_000;

/** The runner's view of an instant: UTC fields, as graphile-worker's cron reads its clock. */
function digest(at: Date) {
  return { min: at.getUTCMinutes(), hour: at.getUTCHours(), date: at.getUTCDate(), month: at.getUTCMonth() + 1, dow: at.getUTCDay() };
}

const parsed = new Map(parseCronItems(cronItems()).map((p) => [p.task, p]));
const fires = (task: string, at: Date) => parsed.get(task)!.match(digest(at));

/** Any whole minute over four years (leap day included). */
const minute = fc.integer({ min: Date.UTC(2026, 0, 1) / 60_000, max: Date.UTC(2030, 0, 1) / 60_000 }).map((m) => new Date(m * 60_000));
const shanghai = (at: Date) => {
  const local = new Date(at.getTime() + SHANGHAI_MS);
  return { h: local.getUTCHours(), m: local.getUTCMinutes() };
};

describe("the schedule (lib/jobs/schedule.ts), as graphile-worker's cron reads it", () => {
  it("releases points at 00:05 Shanghai time and expires them at 00:15, once a day, and at no other minute", () => {
    fc.assert(
      fc.property(minute, (at) => {
        const { h, m } = shanghai(at);
        expect(fires("points.release", at)).toBe(h === 0 && m === 5);
        expect(fires("points.expire", at)).toBe(h === 0 && m === 15);
      }),
      { numRuns: 5_000 },
    );
    // And the exact minutes themselves, which random draws rarely hit.
    expect(fires("points.release", new Date("2026-12-07T00:05:00+08:00"))).toBe(true);
    expect(fires("points.expire", new Date("2028-02-29T00:15:00+08:00"))).toBe(true);
    expect(fires("points.release", new Date("2026-12-07T00:05:00Z"))).toBe(false);
  });

  it("sweeps and expires pending orders every minute, and prunes once an hour", () => {
    fc.assert(
      fc.property(minute, (at) => {
        expect(fires("queue.sweep", at)).toBe(true);
        expect(fires("orders.expire", at)).toBe(true);
        expect(fires("auth.prune", at)).toBe(at.getUTCMinutes() === 35);
      }),
    );
  });

  it("every line is well-formed: unique tasks, bounded tries, a catch-up only for daily jobs, and its route exists", () => {
    expect(new Set(SCHEDULE.map((s) => s.task)).size).toBe(SCHEDULE.length);
    const root = path.resolve(__dirname, "../..");
    for (const s of SCHEDULE) {
      expect(s.maxAttempts, s.task).toBeGreaterThanOrEqual(1);
      expect(s.maxAttempts, s.task).toBeLessThanOrEqual(25);
      expect(s.catchUpMs, s.task).toBeLessThanOrEqual(86_400_000);
      expect(fs.existsSync(path.join(root, "app", s.route, "route.ts")), `${s.task}: app${s.route}/route.ts`).toBe(true);
    }
    // Each run is keyed, so a worker that falls behind keeps one waiting run per job, not a pile.
    for (const item of cronItems()) expect(item.options).toMatchObject({ jobKey: `cron:${item.task}`, jobKeyMode: "preserve_run_at" });
  });

  it("a run made up after an outage knows the instant it was due", () => {
    expect(scheduledAt({ _cron: { ts: "2026-12-06T16:05:00.000Z", backfilled: true } }).toISOString()).toBe("2026-12-06T16:05:00.000Z");
    const now = new Date("2026-12-07T00:00:00Z");
    expect(scheduledAt({}, now)).toBe(now);
    expect(scheduledAt({ _cron: { ts: "garbage" } }, now)).toBe(now);
  });
});
