import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { makeCustomer, makeStore, placePaidOrder, releasePointsNow } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";
import { warnExpiringPoints } from "./expiry-warning";

afterAll(expectLedgerClean);

const DAY = 86_400_000;

describe("points expiry warnings", () => {
  it("warns once per day of expiry, for points expiring within the horizon, and not for later or spent ones", async () => {
    const store = await makeStore({ payoutMode: "manual" });
    const a = await makeCustomer();
    await placePaidOrder(a, store.id, 10_000); // 500 points locked
    await releasePointsNow(a, 200);
    await releasePointsNow(a, 150);
    await releasePointsNow(a, 100);
    const lots = (await db.execute<{ id: number }>(sql`select id from points_lots where user_id = ${a} order by id`)).rows.map((r) => Number(r.id));
    // 2026-03-10 12:00 Shanghai is 04:00 UTC.
    const now = new Date("2026-03-10T04:00:00Z");
    await db.execute(sql`update points_lots set expires_at = ${new Date(now.getTime() + DAY).toISOString()} where id = ${lots[0]!}`);
    await db.execute(sql`update points_lots set expires_at = ${new Date(now.getTime() + DAY + 3_600_000).toISOString()} where id = ${lots[1]!}`);
    await db.execute(sql`update points_lots set expires_at = ${new Date(now.getTime() + 10 * DAY).toISOString()} where id = ${lots[2]!}`);

    const first = await warnExpiringPoints(now, 3);
    expect(first.warned).toBeGreaterThanOrEqual(1);
    const told = await db.execute<{ params: unknown; subject: string }>(sql`select params, subject from notifications where user_id = ${a} and kind = 'points_expiring'`);
    expect(told.rows).toEqual([{ params: { points: 350, expiresOn: "2026-03-11" }, subject: "expiring:2026-03-11" }]);
    expect(Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs j join notifications n on j.key = 'notification:' || n.id where n.user_id = ${a}`)).rows[0]!.n)).toBe(1);

    // Run again (the scheduler retried, or runs hourly): nothing new.
    await warnExpiringPoints(now, 3);
    expect((await db.execute(sql`select 1 from notifications where user_id = ${a} and kind = 'points_expiring'`)).rows).toHaveLength(1);
  });
});
