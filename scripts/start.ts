// `npm start`: from a fresh clone (`npm install && npm start`) to a running app, nothing else needed.
//
// - DATABASE_URL unset: start the embedded Postgres (db/embedded.ts) and generate the secrets once
//   into .data/secrets.json (mode 600). DATABASE_URL set: use it and the secrets from the environment.
// - Web Push keys: VAPID_* from the environment, else made once into .data/vapid.json.
// - Then: migrate, load the demo seed (idempotent), `next build` when there is no build yet (or
//   FREELINE_REBUILD=1 / `npm start -- --rebuild`), and `next start -p $PORT`, with the durable job
//   runner (`npm run worker`) beside it unless FREELINE_WORKER=0 / `npm start -- --no-worker`.
// - Ctrl-C / SIGTERM: stop Next and the worker, then the embedded Postgres.
//
// A standalone node process: it reads process.env only to build its children's environment (and
// FREELINE_REBUILD, a knob of this launcher, not of the app).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkDatabaseConnection } from "@/db";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import webpush from "web-push";
import { seedDemo } from "./lib/demo-seed";
import { SERVER_NODE_ARGS } from "./lib/server-node-args";
import { env } from "@/lib/env";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root); // runMigrations and next resolve paths from the project root

type Secrets = { AUTH_SECRET: string; CRON_SECRET: string; PAYMENT_DEV_SECRET: string };
const SECRET_NAMES = ["AUTH_SECRET", "CRON_SECRET", "PAYMENT_DEV_SECRET"] as const;

const port = env.PORT;
const appUrl = `http://localhost:${port}`;
const rebuild = process.argv.includes("--rebuild") || process.env.FREELINE_REBUILD === "1";
const withWorker = !process.argv.includes("--no-worker") && process.env.FREELINE_WORKER !== "0";

let embedded: EmbeddedPostgres | undefined;
let child: ChildProcess | undefined;
let worker: ChildProcess | undefined;
let shuttingDown = false;

const log = (m: string) => console.log(`[start] ${m}`);

/** A start-up problem whose message already says what to fix: printed without a stack. */
class StartupError extends Error {
  override name = "StartupError";
}

async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  log(`${name}...`);
  const result = await fn();
  log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return result;
}

/** Random secrets, made once per checkout and reused, so sessions survive a restart. */
function localSecrets(): Secrets {
  const file = path.join(root, ".data", "secrets.json");
  let stored: Partial<Secrets> = {};
  try {
    stored = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Secrets>;
  } catch {
    stored = {};
  }
  const secrets = { ...stored } as Secrets;
  let changed = false;
  for (const name of SECRET_NAMES) {
    if (typeof secrets[name] !== "string" || secrets[name].length < 32) {
      secrets[name] = randomBytes(32).toString("base64url");
      changed = true;
    }
  }
  if (changed) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    log(`generated secrets in ${path.relative(root, file)}`);
  }
  fs.chmodSync(file, 0o600);
  return secrets;
}

type Vapid = { VAPID_PUBLIC_KEY: string; VAPID_PRIVATE_KEY: string; VAPID_SUBJECT: string };

/**
 * The Web Push key pair: from the environment when set (a deployment keeps its own: a new pair
 * would orphan every browser's subscription), else made once into .data/vapid.json (mode 600) and
 * reused by every later start. The subject is where push services may write: PUBLIC_URL when it is
 * https, else a placeholder to replace with VAPID_SUBJECT for a real deployment.
 */
function vapidKeys(): Vapid {
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY && env.VAPID_SUBJECT) {
    return { VAPID_PUBLIC_KEY: env.VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: env.VAPID_PRIVATE_KEY, VAPID_SUBJECT: env.VAPID_SUBJECT };
  }
  const file = path.join(root, ".data", "vapid.json");
  let stored: Partial<Vapid> = {};
  try {
    stored = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Vapid>;
  } catch {
    stored = {};
  }
  if (!stored.VAPID_PUBLIC_KEY || !stored.VAPID_PRIVATE_KEY) {
    const keys = webpush.generateVAPIDKeys();
    stored = { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    log(`generated the Web Push (VAPID) key pair in ${path.relative(root, file)}`);
  }
  fs.chmodSync(file, 0o600);
  const subject = env.PUBLIC_URL?.startsWith("https://") ? env.PUBLIC_URL : "mailto:webpush@freeline.invalid";
  return { VAPID_PUBLIC_KEY: stored.VAPID_PUBLIC_KEY!, VAPID_PRIVATE_KEY: stored.VAPID_PRIVATE_KEY!, VAPID_SUBJECT: subject };
}

function portIsFree(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port: p, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Runs a project binary with inherited stdio; resolves to its exit code. */
function run(bin: string, args: string[], childEnv: NodeJS.ProcessEnv): Promise<number> {
  return runCommand(path.join(root, "node_modules", ".bin", bin), args, childEnv);
}

/** Runs this node with the given arguments (V8 flags first), with inherited stdio. */
function runNode(args: string[], childEnv: NodeJS.ProcessEnv): Promise<number> {
  return runCommand(process.execPath, args, childEnv);
}

function runCommand(bin: string, args: string[], childEnv: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    child = spawn(bin, args, { stdio: "inherit", env: childEnv });
    child.on("error", (err) => {
      console.error(`[start] could not run ${path.basename(bin)}: ${err.message}`);
      resolve(127);
    });
    child.on("close", (code, signal) => {
      child = undefined;
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
  });
}

/**
 * The job runner (scripts/worker.ts) as a child with the app's environment. It is restarted after
 * 5 s if it dies: jobs wait in the database meanwhile, none is lost.
 */
function startWorkerChild(childEnv: NodeJS.ProcessEnv): void {
  if (shuttingDown) return;
  const w = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["--import", "./scripts/lib/server-only.mjs", "scripts/worker.ts"], { stdio: "inherit", env: childEnv });
  worker = w;
  w.on("error", (err) => console.error(`[start] could not run the worker: ${err.message}`));
  w.on("close", (code, signal) => {
    if (worker === w) worker = undefined;
    if (shuttingDown) return;
    log(`the worker exited (${signal ?? `code ${code}`}); restarting it in 5 s`);
    setTimeout(() => startWorkerChild(childEnv), 5_000);
  });
}

async function stopChild(c: ChildProcess): Promise<void> {
  const exited = new Promise<void>((r) => c.once("close", () => r()));
  c.kill("SIGTERM");
  const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

async function shutdown(code: number): Promise<never> {
  shuttingDown = true;
  await Promise.all([child, worker].filter((c): c is ChildProcess => c !== undefined && c.exitCode === null && c.signalCode === null).map(stopChild));
  if (embedded?.owned) {
    log("stopping the embedded Postgres");
    await embedded.stop();
  }
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (shuttingDown) return;
    log(`${signal}: shutting down`);
    void shutdown(0);
  });
}

async function waitUntilServing(): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child && !shuttingDown) {
    try {
      await fetch(`${appUrl}/`, { signal: AbortSignal.timeout(5_000), redirect: "manual" });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return false;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  if (!(await portIsFree(port))) {
    throw new Error(`port ${port} is already in use. Stop what is using it, or run with PORT=<another port>.`);
  }

  let databaseUrl: string;
  let secrets: Secrets;
  if (env.DATABASE_URL) {
    databaseUrl = env.DATABASE_URL;
    secrets = { AUTH_SECRET: env.AUTH_SECRET, CRON_SECRET: env.CRON_SECRET, PAYMENT_DEV_SECRET: env.PAYMENT_DEV_SECRET };
    const defaults = SECRET_NAMES.filter((n) => secrets[n].startsWith("dev-only-"));
    if (defaults.length > 0) {
      log(`WARNING: ${defaults.join(", ")} not set; using development defaults. Set them for any real deployment.`);
    }
    log(`using DATABASE_URL (${new URL(databaseUrl).host})`);
  } else {
    embedded = await phase("embedded Postgres", () => startEmbeddedPostgres({ handleSignals: false }));
    databaseUrl = embedded.url;
    secrets = localSecrets();
  }

  // One connection attempt first, so bad credentials or an unreachable host give one clear
  // sentence and exit 1, instead of a stack trace from the migrator or a hang.
  const dbProblem = await checkDatabaseConnection(databaseUrl);
  if (dbProblem) throw new StartupError(`cannot use the database: ${dbProblem}`);

  // The migrator holds a session advisory lock: through DATABASE_DIRECT_URL when a transaction
  // pooler sits behind DATABASE_URL.
  await phase("migrations", () => runMigrations(env.DATABASE_DIRECT_URL ?? databaseUrl));
  const seeded: unknown = await phase("demo seed", () => seedDemo(databaseUrl));
  if (seeded && typeof seeded === "object" && "seeded" in seeded) {
    log(seeded.seeded ? "demo data loaded" : "demo data already present");
  }

  const appEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets,
    ...vapidKeys(),
    DATABASE_URL: databaseUrl,
    AUTH_TRUST_HOST: "true",
    APP_INTERNAL_URL: appUrl,
    // Where browsers reach the app; a deployment behind a proxy or a domain sets its own.
    PUBLIC_URL: env.PUBLIC_URL ?? appUrl,
    NODE_ENV: "production",
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
  };

  const hasBuild = fs.existsSync(path.join(root, ".next", "BUILD_ID"));
  if (!hasBuild || rebuild) {
    const code = await phase(hasBuild ? "next build (rebuild requested)" : "next build (first run)", () =>
      run("next", ["build"], appEnv),
    );
    if (code !== 0) throw new Error(`next build failed (exit ${code}); see its output above.`);
  } else {
    log("using the existing build in .next (FREELINE_REBUILD=1 npm start rebuilds it)");
  }
  if (shuttingDown) return;

  const tServer = Date.now();
  if (withWorker) startWorkerChild(appEnv);
  else log("not starting the job worker (--no-worker / FREELINE_WORKER=0): run `npm run worker` elsewhere");
  // node runs Next's CLI itself, so the server gets the V8 flags it ships with (scripts/lib/server-node-args.ts).
  const exit = runNode([...SERVER_NODE_ARGS, path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)], appEnv);
  if (await waitUntilServing()) {
    log(`server ready in ${((Date.now() - tServer) / 1000).toFixed(1)}s (total ${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    console.log(`\n  Freeline is running at ${appUrl}`);
    console.log(`  Demo accounts: see README.md, "Demo accounts" (e.g. customer demo / demo-pass-2026)`);
    console.log(`  Database: ${embedded ? `embedded Postgres on port ${embedded.port}` : "DATABASE_URL"}. Ctrl-C stops everything.\n`);
  }
  const code = await exit;
  if (!shuttingDown) {
    // 130/143: Next was stopped by the same Ctrl-C / SIGTERM that is reaching us.
    log(code === 130 || code === 143 ? "Next stopped" : `next start exited with code ${code}`);
    await shutdown(code === 0 ? 0 : code);
  }
}

main().catch(async (err: unknown) => {
  console.error(`\n[start] failed: ${err instanceof Error ? err.message : String(err)}`);
  // Our own start-up errors say what to do; anything else gets its stack.
  if (err instanceof Error && !["EmbeddedPgError", "StartupError"].includes(err.name) && !err.message.includes("next build failed")) {
    console.error(err.stack);
  }
  await shutdown(1);
});
