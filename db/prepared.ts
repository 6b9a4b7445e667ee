import "server-only";
import { createHash } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { QueryResult, QueryResultRow } from "pg";
import { env } from "@/lib/env";
import { db as processDb, type Db, type Tx } from "./index";

/**
 * Named prepared statements for the order path, a thin layer over `pg` (through the transaction's
 * own connection, as drizzle holds it).
 *
 * Why: an order's few statements are sent thousands of times a second with the same text. Named,
 * each connection has Postgres parse and analyse a statement once, and plan it generically after a
 * few runs, instead of doing all three for every order (docs/performance.md measures the database
 * time per order). `pg` keeps, per connection, which names it has prepared, and refuses a name
 * reused with other text: so a statement's name carries a hash of its text, and two texts can never
 * share one.
 *
 * Results are what `tx.execute` gives (rows as objects, timestamps as Postgres prints them): the
 * statement goes through drizzle's session, with the same type parsing.
 */

/** What a statement answers, for mapRows/mapFirst (db/rows.ts). */
export type RawRows = { rows: readonly unknown[] };

/** A statement with fixed text and numbered parameters ($1, $2, …). */
export type Statement = { name: string; text: string };

/** Names a fixed statement: `label` for the logs and pg_stat_statements, plus a hash of its text. */
export function statement(label: string, text: string): Statement {
  return { name: `${label}_${createHash("sha1").update(text).digest("hex").slice(0, 10)}`, text };
}

/** Named statements, unless DATABASE_PREPARED_STATEMENTS=off says a transaction pooler is in between. */
const named = env.DATABASE_PREPARED_STATEMENTS === "on";

/**
 * The name for drizzle's `.prepare(name)`: `name`, or, with named statements off, the empty name,
 * which pg runs as the unnamed statement (it names a statement only when the name is non-empty).
 * Behind pgbouncer's transaction pool a named statement lives on one server connection and the
 * next request may get another ("already exists" / "does not exist").
 */
export function preparedName(name: string): string {
  return named ? name : "";
}

/**
 * Runs a fixed statement as a named prepared statement on the handle's connection (unnamed when
 * switched off). Its rows are read through a mapper (db/rows.ts), as every raw statement's are.
 */
export async function runPrepared(conn: Tx | Db, st: Statement, values: unknown[]): Promise<RawRows> {
  const q = conn._.session.prepareQuery({ sql: st.text, params: values }, undefined, named ? st.name : undefined, false);
  const res = (await q.execute()) as QueryResult<QueryResultRow>;
  return { rows: res.rows };
}

const dialect = new PgDialect();
// Statements composed from fragments (a posting with its caller's tail) have a few shapes each; the
// names of the texts seen so far, so a text is hashed once. Bounded in case a caller's shapes vary.
const composed = new Map<string, Statement>();
const MAX_COMPOSED = 256;

/**
 * Runs a statement composed with drizzle's `sql` template as a named prepared statement: drizzle
 * still joins the fragments, Postgres parses and plans each shape once per connection.
 */
export async function runComposed(conn: Tx | Db, label: string, query: SQL): Promise<RawRows> {
  const q = dialect.sqlToQuery(query);
  let st = composed.get(q.sql);
  if (!st) {
    if (composed.size >= MAX_COMPOSED) composed.clear();
    st = statement(label, q.sql);
    composed.set(q.sql, st);
  }
  return runPrepared(conn, st, q.params);
}

/** What drizzle's `.prepare(name)` gives, as far as a query built once needs it. */
type DrizzlePrepared<R> = { execute(values?: Record<string, unknown>): Promise<R>; getQuery(): { sql: string; params: unknown[] } };

/** The parts of a drizzle prepared query that say how to map its rows (drizzle's own fields). */
type RowMapping = { fields?: unknown; joinsNotNullableMap?: unknown; customResultMapper?: unknown; isResponseInArrayMode(): boolean };

type Built = { name: string; text: string; params: unknown[]; mapping: RowMapping };

/**
 * A drizzle query built once, with `sql.placeholder(name)` for each value, then run on any
 * handle's connection with only its values: `const claim = builtOnce("pos_claim", (db) => …)` and
 * `await claim(tx, { prefix, … })`.
 *
 * Why: drizzle builds a query's objects and joins its text again on every call, even for a named
 * statement whose text never changes. For the POS order's claim and insert that was 8.8 % of the
 * server's CPU per order (docs/performance.md, "Eighth round"). Built once, a run fills the values
 * and drizzle maps the rows exactly as for the same query built per call: nested objects, a left
 * join's missing row as null, each column's own type.
 *
 * `build` gets the process's drizzle instance only to build with; nothing runs on it. The query is
 * built on first use, so importing a module that declares one opens nothing.
 */
export function builtOnce<R, V extends Record<string, unknown>>(
  label: string,
  build: (db: Db) => { prepare(name: string): DrizzlePrepared<R> },
): (conn: Tx | Db, values: V) => Promise<R> {
  let built: Built | undefined;
  return async (conn, values) => {
    // Read, never run: the run below names its statement after the text (pg is told the name only
    // through preparedName's rule, as every named statement is).
    built ??= capture(label, build(processDb).prepare(preparedName(label)));
    const q = conn._.session.prepareQuery(
      { sql: built.text, params: built.params },
      built.mapping.fields as never,
      named ? built.name : undefined,
      built.mapping.isResponseInArrayMode(),
      built.mapping.customResultMapper as never,
    );
    // Set after creation, as drizzle's select does: which joined tables may be missing (null).
    (q as unknown as { joinsNotNullableMap?: unknown }).joinsNotNullableMap = built.mapping.joinsNotNullableMap;
    return (await q.execute(values)) as R;
  };
}

/** Reads the text, parameters and row mapping off a query drizzle prepared; fails loudly if drizzle changed them. */
function capture<R>(label: string, prepared: DrizzlePrepared<R>): Built {
  const { sql: text, params } = prepared.getQuery();
  const mapping = prepared as unknown as RowMapping;
  if (typeof text !== "string" || !Array.isArray(params) || typeof mapping.isResponseInArrayMode !== "function") {
    throw new Error(`builtOnce(${label}): drizzle's prepared query no longer has the expected shape`);
  }
  if (mapping.fields !== undefined && !Array.isArray(mapping.fields)) {
    throw new Error(`builtOnce(${label}): drizzle's prepared query has fields of an unexpected shape`);
  }
  // Named as fixed statements are: the label and a hash of the text (see statement()).
  return { name: statement(label, text).name, text, params, mapping };
}
