// Named prepared statements (db/prepared.ts): a name is prepared once per connection and reused,
// two texts never share a name, and rows come back as tx.execute gives them.
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { inTransaction } from "./transaction";
import { merchants } from "./schema";
import { builtOnce, runComposed, runPrepared, statement } from "./prepared";

describe("named prepared statements", () => {
  it("prepares a statement once per connection and runs it again with other values", async () => {
    const st = statement("prepared_test_add", "select $1::int + $2::int as sum");
    await inTransaction(async (tx) => {
      expect((await runPrepared(tx, st, [1, 2])).rows).toEqual([{ sum: 3 }]);
      expect((await runPrepared(tx, st, [40, 2])).rows).toEqual([{ sum: 42 }]);
      const prepared = await tx.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_prepared_statements where name = ${st.name}`,
      );
      expect(prepared.rows[0]?.n).toBe(1);
    });
  });

  it("gives two texts under one label two names, so pg never refuses a reused name", async () => {
    const a = statement("prepared_test_same", "select 1 as v");
    const b = statement("prepared_test_same", "select 2 as v");
    expect(a.name).not.toBe(b.name);
    await inTransaction(async (tx) => {
      expect((await runPrepared(tx, a, [])).rows).toEqual([{ v: 1 }]);
      expect((await runPrepared(tx, b, [])).rows).toEqual([{ v: 2 }]);
    });
  });

  it("runs a composed statement under a name of its text, with the values as parameters", async () => {
    const shape = (x: number, tail: boolean) => sql`select ${x}::int as x${tail ? sql`, 'tail' as t` : sql``}`;
    await inTransaction(async (tx) => {
      expect((await runComposed(tx, "prepared_test_composed", shape(7, false))).rows).toEqual([{ x: 7 }]);
      expect((await runComposed(tx, "prepared_test_composed", shape(8, false))).rows).toEqual([{ x: 8 }]);
      expect((await runComposed(tx, "prepared_test_composed", shape(9, true))).rows).toEqual([{ x: 9, t: "tail" }]);
      const prepared = await tx.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_prepared_statements where name like 'prepared_test_composed_%'`,
      );
      // Two shapes, two statements; the second run of the first shape reused its name.
      expect(prepared.rows[0]?.n).toBe(2);
    });
  });
});

describe("a drizzle query built once (builtOnce)", () => {
  it("builds once, runs on each transaction's connection with its values, and maps rows as drizzle does", async () => {
    let builds = 0;
    const query = builtOnce("prepared_test_built", (db) => {
      builds++;
      return db
        .select({
          sum: sql<number>`${sql.placeholder("a")}::int + ${sql.placeholder("b")}::int`.as("sum"),
          at: sql<Date>`now()`.mapWith((v: string) => new Date(v)).as("at"),
          // A left join that finds nothing: drizzle makes the whole row null, not an object of nulls.
          merchant: merchants,
        })
        .from(sql`(select 1) as t`)
        .leftJoin(merchants, sql`false`);
    });
    for (const [a, b] of [[1, 2], [40, 2]] as const) {
      await inTransaction(async (tx) => {
        const [row] = await query(tx, { a, b });
        expect(row?.sum).toBe(a + b);
        expect(row?.at).toBeInstanceOf(Date);
        expect(row?.merchant).toBeNull();
      });
    }
    expect(builds).toBe(1);
    await inTransaction(async (tx) => {
      await query(tx, { a: 1, b: 1 });
      await query(tx, { a: 2, b: 2 });
      const prepared = await tx.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_prepared_statements where name like 'prepared_test_built_%'`,
      );
      // Named after its text, prepared once on this connection and run twice.
      expect(prepared.rows[0]?.n).toBe(1);
    });
  });

  it("refuses a run that leaves a placeholder without a value, and changes nothing", async () => {
    const query = builtOnce("prepared_test_missing", (db) =>
      db.select({ v: sql<number>`${sql.placeholder("v")}::int`.as("v") }).from(sql`(select 1) as t`),
    );
    await inTransaction(async (tx) => {
      await expect(query(tx, {})).rejects.toThrow(/placeholder/i);
    });
  });
});

describe("named prepared statements switched off (DATABASE_PREPARED_STATEMENTS=off)", () => {
  it("drizzle's .prepare(preparedName(…)) runs unnamed: nothing is left prepared on the connection", async () => {
    vi.resetModules();
    vi.stubEnv("DATABASE_PREPARED_STATEMENTS", "off");
    try {
      const { preparedName } = await import("./prepared");
      expect(preparedName("prepared_test_off")).toBe("");
      await inTransaction(async (tx) => {
        const q = tx.select({ one: sql<number>`1` }).from(sql`(select 1) as t`).prepare(preparedName("prepared_test_off"));
        expect(await q.execute()).toEqual([{ one: 1 }]);
        expect(await q.execute()).toEqual([{ one: 1 }]);
        const prepared = await tx.execute<{ n: number }>(sql`select count(*)::int as n from pg_prepared_statements where name = 'prepared_test_off'`);
        expect(prepared.rows[0]?.n).toBe(0);
      });
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});
