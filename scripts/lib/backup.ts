import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * Backups with Postgres's own tools: pg_dump's custom format (compressed, restored table by table
 * with pg_restore, in parallel if wanted) of the whole database: the app's tables, the job runner's
 * schema (graphile_worker: jobs waiting to run are part of the state) and the migration record.
 * The tools come from the PATH (Debian: postgresql-client); pg_dump must be as new as the server.
 */

/** A URL's password goes to the tool in PGPASSWORD, never on its command line (ps shows that). */
function splitPassword(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { url: u.toString(), env: password ? { ...process.env, PGPASSWORD: password } : { ...process.env } };
}

function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err = (err + String(c)).slice(-4000)));
    child.stdout.resume();
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "ENOENT" ? new Error(`${tool} not found: install Postgres's client tools (Debian: apt-get install postgresql-client)`) : e),
    );
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${tool} exited with ${code}: ${err.trim()}`))));
  });
}

/** The default file: .data/backups/freeline-<database>-<UTC time>.dump under `root`. */
export function defaultBackupFile(root: string, databaseUrl: string, now = new Date()): string {
  const db = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || "postgres";
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return path.join(root, ".data", "backups", `freeline-${db.replace(/[^A-Za-z0-9_-]/g, "_")}-${stamp}.dump`);
}

/**
 * Dumps `databaseUrl` to `file` (custom format). Written beside it as `<file>.partial` and renamed
 * when pg_dump has finished and pg_restore can read its table of contents, so a file with the
 * final name is always a whole, readable backup. Mode 600: it holds personal data.
 */
export async function backupDatabase(databaseUrl: string, file: string): Promise<{ file: string; bytes: number }> {
  const { url, env } = splitPassword(databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  try {
    await run("pg_dump", ["--format=custom", "--compress=6", "--no-password", `--file=${partial}`, `--dbname=${url}`], env);
    fs.chmodSync(partial, 0o600);
    await run("pg_restore", ["--list", partial], env);
    fs.renameSync(partial, file);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return { file, bytes: fs.statSync(file).size };
}

/**
 * Restores a custom-format backup into `databaseUrl`, an empty database: in one transaction (all
 * or nothing), stopping at the first error, owned by the connecting user.
 */
export async function restoreDatabase(file: string, databaseUrl: string): Promise<void> {
  const { url, env } = splitPassword(databaseUrl);
  await run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--no-password", `--dbname=${url}`, file], env);
}
