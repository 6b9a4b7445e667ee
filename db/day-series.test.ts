import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { lastDays } from "./day-series";

const params = (now: Date) => {
  const w = lastDays(30, now);
  const dialect = new PgDialect();
  return { ctes: dialect.sqlToQuery(w.ctes).params, since: dialect.sqlToQuery(w.since).params };
};

describe("a chart's window of days", () => {
  it("is 30 Shanghai days, today included, passed as parameters (so the planner sees how small it is)", () => {
    // 2026-12-07 15:59 UTC is 23:59 in Shanghai; a minute later it is the 8th there.
    expect(params(new Date("2026-12-07T15:59:00Z"))).toEqual({ ctes: ["2026-12-07", "2026-11-08", "2026-12-07"], since: ["2026-11-08", "Asia/Shanghai"] });
    expect(params(new Date("2026-12-07T16:00:00Z")).ctes).toEqual(["2026-12-08", "2026-11-09", "2026-12-08"]);
    // Across a month and a year's end.
    expect(params(new Date("2027-01-10T04:00:00Z")).since).toEqual(["2026-12-12", "Asia/Shanghai"]);
  });
});
