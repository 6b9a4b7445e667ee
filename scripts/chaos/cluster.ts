// The system under test: a private Postgres (lib/testing/throwaway-postgres.ts: its own data folder
// and port, never the machine's shared server), one production build, and two `next start`
// instances on free ports against that database.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { E2E_POLICY, E2E_SECRETS } from "@/e2e/test-env";

export { freePort } from "@/lib/testing/throwaway-postgres";

/**
 * What a build does not depend on: tooling, tests, docs, the test-only helpers and the container
 * topology's configuration (compose.yaml, deploy/). Everything else
 * in the tree (tracked or new, as git lists it) is a build input.
 */
const NOT_BUILD_INPUTS = /^(scripts|e2e|docs|deploy|\.ci)\/|\.md$|\.test\.ts$|^lib\/testing\/|^(playwright|vitest|drizzle)\.config\.ts$|^compose\.yaml$/;
const STAMP_FILE = path.join(".next", "chaos-build-stamp");

/** A hash of every build input's path and content. */
export function buildStamp(root: string): string {
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: root }).toString().split("\0");
  const files = listed.filter((f) => f !== "" && !NOT_BUILD_INPUTS.test(f) && fs.existsSync(path.join(root, f))).sort();
  const h = createHash("sha256");
  for (const f of files) h.update(f).update("\0").update(fs.readFileSync(path.join(root, f))).update("\0");
  return h.digest("hex");
}

/** Runs `next build` unless .next already holds a build of exactly these inputs. */
export async function ensureBuild(root: string, log: (s: string) => void): Promise<{ built: boolean; seconds: number }> {
  const stamp = buildStamp(root);
  const stampPath = path.join(root, STAMP_FILE);
  const current = fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(stampPath) && fs.readFileSync(stampPath, "utf8") === stamp;
  if (current) {
    log("build: .next is a build of this tree, reused");
    return { built: false, seconds: 0 };
  }
  log("build: next build (the tree changed since the last build)");
  const t0 = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(path.join(root, "node_modules", ".bin", "next"), ["build"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...appEnvironment({ databaseUrl: "postgres://build@127.0.0.1:1/none", selfUrl: "http://localhost:3000" }) },
    });
    let tail = "";
    const keep = (b: Buffer) => (tail = (tail + b.toString()).slice(-4000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("close", (c) => {
      if (c !== 0) log(`next build failed:\n${tail}`);
      resolve(c ?? 1);
    });
  });
  if (code !== 0) throw new Error(`next build exited with ${code}`);
  fs.writeFileSync(stampPath, stamp);
  return { built: true, seconds: (Date.now() - t0) / 1000 };
}

/** The environment the e2e server gets (scripts/test.ts), pointed at our database and at itself. */
export function appEnvironment(args: { databaseUrl: string; selfUrl: string; brokenDrain?: boolean; providers?: Record<string, string> }): Record<string, string> {
  return {
    // The broken drain's switch is refused under NODE_ENV=production (lib/env.ts), so its
    // instances serve the same production build as test instances: Next loads the same production
    // runtime for any NODE_ENV but "development"; the app only drops its production-only extras
    // (the store page cache, HSTS, the strict CSP's missing 'unsafe-eval'), none of which the
    // drain's proof depends on.
    NODE_ENV: args.brokenDrain ? "test" : "production",
    NEXT_TELEMETRY_DISABLED: "1",
    AUTH_TRUST_HOST: "true",
    ...E2E_SECRETS,
    ...E2E_POLICY,
    DATABASE_URL: args.databaseUrl,
    APP_INTERNAL_URL: args.selfUrl,
    // Each instance is its own site: the workload sends each request the Origin of the instance it goes to.
    PUBLIC_URL: args.selfUrl,
    // Both instances serve one build; a shared key keeps their server-action closures compatible.
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "Y2hhb3MtcnVuLWFjdGlvbi1rZXktMDEyMzQ1Njc4OWE=",
    ...(args.brokenDrain ? { FREELINE_TEST_BROKEN_DRAIN: "skip-lock" } : {}),
    // WeChat Pay and Alipay: the fakes' keys and the fault proxies' addresses (providers.ts).
    ...args.providers,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One `next start` process that can be killed and started again on the same port. */
export class AppInstance {
  private child: ChildProcess | undefined;
  readonly base: string;
  starts = 0;
  /** Exits nobody asked for (a crash): each one is a violation. */
  unexpectedExits = 0;
  private expectExit = false;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly root: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {
    this.base = `http://localhost:${port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts `next start` and resolves once /api/health answers 200. */
  async start(): Promise<number> {
    const t0 = Date.now();
    const log = fs.openSync(this.logFile, "a");
    fs.writeSync(log, `\n--- ${new Date().toISOString()} start ${this.name} ---\n`);
    this.child = spawn(path.join(this.root, "node_modules", ".bin", "next"), ["start", "-p", String(this.port)], {
      cwd: this.root,
      stdio: ["ignore", log, log],
      env: { ...process.env, ...this.env },
      // Its own process group, so a kill reaches any worker `next start` forks too.
      detached: true,
    });
    fs.closeSync(log);
    this.expectExit = false;
    this.child.once("exit", () => {
      if (!this.expectExit) this.unexpectedExits += 1;
    });
    this.starts += 1;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited while starting (see ${this.logFile})`);
      try {
        const res = await fetch(`${this.base}/api/health`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 200) return Date.now() - t0;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer /api/health within 90 s`);
      await sleep(200);
    }
  }

  /** SIGKILL: no shutdown hooks, open transactions die with the connections. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    this.signal("SIGKILL");
    await exited;
  }

  private signal(sig: NodeJS.Signals): void {
    this.expectExit = true;
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      this.child?.kill(sig);
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    this.signal("SIGTERM");
    await Promise.race([exited, sleep(8_000)]);
    if (this.running) await this.kill();
  }
}

/**
 * One durable job runner (`npm run worker`, scripts/worker.ts) with the app's environment. Like
 * `npm start`, it is started again when it dies (each restart is counted): jobs wait in the
 * database meanwhile.
 */
export class JobWorker {
  private child: ChildProcess | undefined;
  private stopping = false;
  restarts = 0;

  constructor(
    readonly name: string,
    private readonly root: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {}

  start(): void {
    const log = fs.openSync(this.logFile, "a");
    fs.writeSync(log, `\n--- ${new Date().toISOString()} start ${this.name} ---\n`);
    const child = spawn(path.join(this.root, "node_modules", ".bin", "tsx"), ["--import", "./scripts/lib/server-only.mjs", "scripts/worker.ts"], {
      cwd: this.root,
      stdio: ["ignore", log, log],
      env: { ...process.env, ...this.env },
      detached: true,
    });
    fs.closeSync(log);
    this.child = child;
    child.once("exit", () => {
      if (this.stopping || this.child !== child) return;
      this.restarts += 1;
      setTimeout(() => {
        if (!this.stopping) this.start();
      }, 1_000);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-c.pid!, sig);
      } catch {
        c.kill(sig);
      }
    };
    kill("SIGTERM");
    await Promise.race([exited, sleep(8_000)]);
    if (c.exitCode === null && c.signalCode === null) kill("SIGKILL");
  }
}
