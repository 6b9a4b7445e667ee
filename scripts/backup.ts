// `npm run backup [-- FILE]`: a pg_dump custom-format backup of DATABASE_URL's database (through
// DATABASE_DIRECT_URL when set), to FILE or
// to .data/backups/freeline-<database>-<UTC time>.dump. Restore with pg_restore (README, "Backups";
// docs/operations.md has the restore drill and point-in-time recovery).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { env } from "@/lib/env";
import { backupDatabase, defaultBackupFile } from "./lib/backup";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// pg_dump sets up its session (search_path, timeouts) before it opens its transaction: behind a
// transaction pooler that transaction may run on another server session, so the dump goes through
// the session-keeping URL when there is one (lib/env.ts, DATABASE_DIRECT_URL).
const url = env.DATABASE_DIRECT_URL ?? env.DATABASE_URL;
if (!url) {
  console.error("[backup] DATABASE_URL is not set: set it to the database to back up (npm start prints the embedded one's port).");
  process.exit(1);
}
const target = process.argv[2] ? path.resolve(process.argv[2]) : defaultBackupFile(root, url);
const t0 = Date.now();
try {
  const { file, bytes } = await backupDatabase(url, target);
  const shown = path.relative(process.cwd(), file);
  console.log(`[backup] ${shown.startsWith("..") ? file : shown}: ${(bytes / 1024).toFixed(0)} KiB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(`[backup] failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
