// What the topology needs from the machine: Debian's haproxy, pgbouncer and Postgres 15, and (as
// root) the postgres system user that runs Postgres and pgbouncer.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PG_BIN } from "./postgres";

function onPath(bin: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The missing pieces, by package name (empty when everything is there). */
export function missingBinaries(): string[] {
  const missing: string[] = [];
  if (!onPath("haproxy")) missing.push("haproxy");
  if (!onPath("pgbouncer")) missing.push("pgbouncer");
  if (!["initdb", "postgres", "pg_basebackup", "pg_ctl"].every((b) => fs.existsSync(path.join(PG_BIN, b)))) missing.push("postgresql-15");
  if (process.getuid?.() === 0) {
    try {
      execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    } catch {
      missing.push("the postgres user (from postgresql-15)");
    }
  }
  return missing;
}
