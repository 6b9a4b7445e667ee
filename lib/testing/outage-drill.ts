// Outage drill against a real production server: `npx tsx --import ./scripts/lib/server-only.mjs lib/testing/outage-drill.ts [appDir]`,
// where appDir holds a `next build` of this app (default: the current directory).
//
// Starts a throwaway Postgres (never the machine's shared one), migrates it, runs `next start` on
// a free port, then: every probe answers; Postgres stops immediately (SIGQUIT, like a crash); the
// probes must answer 503 with Retry-After while the app process stays up; Postgres starts again;
// the same app process must serve again by itself. The address a page render that lost the
// database is sent to must answer 503 with Retry-After, up or down. Prints what each probe answered and exits 1 on
// any failure. The shared database and other engineers' servers are untouched.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { runMigrations } from "@/db/migrate";
import { freePort, startThrowawayPostgres } from "./throwaway-postgres";

const appDir = path.resolve(process.argv[2] ?? ".");
const CRON_SECRET = "outage-drill-cron-secret-0123456789";

/** `page`: while down, the body must be proxy.ts's outage page in the cookie's language. */
type Probe = { name: string; method: string; path: string; headers?: Record<string, string>; page?: "zh-CN" | "en" };
const HEALTH: Probe = { name: "health", method: "GET", path: "/api/health" };
const SWEEP: Probe = { name: "cron sweep (withAuth)", method: "POST", path: "/api/cron/sweep", headers: { authorization: `Bearer ${CRON_SECRET}` } };
// The home page comes first: right after the crash, nothing has failed yet in the app, so this
// shows the proxy finding out by itself (its probe) rather than from an earlier failed request.
const PROBES: Probe[] = [
  { name: "home page", method: "GET", path: "/", page: "zh-CN" },
  HEALTH,
  SWEEP,
  { name: "store page (English)", method: "GET", path: "/s/drill-store", headers: { cookie: "NEXT_LOCALE=en" }, page: "en" },
  { name: "POS API (problem details)", method: "GET", path: "/api/v1/queue", headers: { authorization: `Bearer fl_drill000_${"0".repeat(32)}` /* well-formed, unknown: looked up in the database */ } },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function probe(base: string, p: Probe) {
  const t0 = Date.now();
  const res = await fetch(base + p.path, { method: p.method, headers: p.headers, signal: AbortSignal.timeout(15_000) });
  const body = (await res.text()).replace(/\s+/g, " ");
  const html = res.headers.get("content-type")?.includes("html") ?? false;
  const lang = html ? /<html lang="([^"]+)"/.exec(body)?.[1] : undefined;
  const outagePage = html && body.includes("http-equiv=\"refresh\"") && res.status === 503;
  return { status: res.status, retryAfter: res.headers.get("retry-after"), ms: Date.now() - t0, lang, outagePage, raw: body, body: html ? `(html lang=${lang})` : body.slice(0, 160) };
}

async function main(): Promise<number> {
  const failures: string[] = [];
  const pgx = await startThrowawayPostgres();
  let app: ChildProcess | undefined;
  let appExited = false;
  try {
    await runMigrations(pgx.url());
    const port = await freePort();
    const base = `http://localhost:${port}`;
    app = spawn(path.join(appDir, "node_modules", ".bin", "next"), ["start", "-p", String(port)], {
      cwd: appDir,
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: pgx.url(),
        CRON_SECRET,
        AUTH_TRUST_HOST: "true",
        APP_INTERNAL_URL: base,
        PUBLIC_URL: base,
        NEXT_TELEMETRY_DISABLED: "1",
      },
    });
    app.on("exit", () => (appExited = true));
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        if ((await probe(base, HEALTH)).status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (appExited || Date.now() > deadline) throw new Error("next start did not come up");
      await sleep(300);
    }

    const round = async (phase: string, expectUp: boolean) => {
      for (const p of PROBES) {
        const r = await probe(base, p);
        console.log(`[drill] ${phase.padEnd(8)} ${p.name.padEnd(26)} ${r.status} retry-after=${r.retryAfter ?? "-"} ${r.ms}ms ${r.body}`);
        const ok = expectUp ? r.status < 500 : r.status === 503 && r.retryAfter === "5" && (!p.page || (r.outagePage && r.lang === p.page));
        if (!ok) failures.push(`${phase} ${p.name}: ${r.status} retry-after=${r.retryAfter} ${r.body}`);
      }
    };

    // Where a page render that lost the database is sent (db/render-outage.ts): a 503 with
    // Retry-After whatever the database's state, reloading the page it names.
    const renderOutage = async (phase: string) => {
      const r = await probe(base, { name: "render outage", method: "GET", path: "/unavailable?next=%2Fs%2Fdrill-store", page: "zh-CN" });
      const reload = /http-equiv="refresh" content="5; url=\/s\/drill-store"/.test(r.raw);
      console.log(`[drill] ${phase.padEnd(8)} ${"render outage page".padEnd(26)} ${r.status} retry-after=${r.retryAfter ?? "-"} reloads /s/drill-store: ${reload}`);
      if (r.status !== 503 || r.retryAfter !== "5" || !r.outagePage || !reload) failures.push(`${phase} render outage page: ${r.status} retry-after=${r.retryAfter} reload=${reload}`);
    };

    await round("up", true);
    await renderOutage("up");
    await pgx.stop("immediate");
    await sleep(500);
    await round("down", false);
    await renderOutage("down");
    await round("down", false);
    if (appExited) failures.push("the app process died while Postgres was down");
    await pgx.start();
    const back = Date.now();
    let recoveredMs = -1;
    while (Date.now() - back < 30_000) {
      const r = await probe(base, SWEEP).catch(() => undefined);
      if (r && r.status === 200) {
        recoveredMs = Date.now() - back;
        break;
      }
      await sleep(100);
    }
    console.log(`[drill] serving again ${recoveredMs} ms after Postgres accepted connections (same app process: ${!appExited})`);
    if (recoveredMs < 0) failures.push("did not recover within 30 s");
    await round("again", true);
  } finally {
    if (app && !appExited) {
      const exited = new Promise((r) => app!.once("exit", r));
      app.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (!appExited) app.kill("SIGKILL");
    }
    await pgx.destroy();
  }
  console.log(failures.length === 0 ? "[drill] passed" : `[drill] FAILED:\n  ${failures.join("\n  ")}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error("[drill] error:", err);
    process.exit(1);
  },
);
