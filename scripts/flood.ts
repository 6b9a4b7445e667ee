// `npm run flood -- --url http://localhost:3000`: a registration flood from one client against a
// production server that is already running, measuring what a signed-in customer meanwhile sees.
//
// It builds and starts nothing. Run it against `next start` of this checkout's build (it reads the
// build's server action ids from .next/) on a seeded database it may add accounts to, started
// without TRUSTED_PROXY_HEADER as a first deployment runs, so every request is from "one client".
//
// 1. Signs the demo customer in (the login action, as a browser would call it).
// 2. Baseline: for --seconds, one client loads /me signed in and another /api/health, back to back.
// 3. Flood: the same probes while registrations of fresh names go out at --rate a second.
// 4. Prints p50/p95 of both probes in each phase, and what the flood's registrations got back.
//
// A measurement, not a test: it asserts nothing and exits 0 unless it could not run.
import { parseArgs } from "node:util";
import { actionIds, callAction, cookieHeader, type Outcome } from "./chaos/http";
import { percentile } from "./bench/load";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    seconds: { type: "string", default: "10" },
    rate: { type: "string", default: "67" },
    user: { type: "string", default: "demo" },
    password: { type: "string", default: "demo-pass-2026" },
  },
});
if (!args.url) {
  console.error("usage: npm run flood -- --url http://localhost:3000 [--seconds 10] [--rate 67] [--user demo --password demo-pass-2026]");
  process.exit(2);
}
const base = args.url.replace(/\/$/, "");
const seconds = Number(args.seconds);
const rate = Number(args.rate);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `p`, or `fallback` after `ms`: on a starved machine an answer can fail to arrive at all. */
const within = <T>(p: Promise<T>, ms: number, fallback: T) => Promise.race([p, sleep(ms).then(() => fallback)]);

/** Loads `path` back to back until `until`, a short pause between; the latency of each 200, in ms. */
async function probe(path: string, headers: Record<string, string>, until: number): Promise<{ ms: number[]; bad: number }> {
  const ms: number[] = [];
  let bad = 0;
  while (Date.now() < until) {
    const t0 = performance.now();
    try {
      const status = await within(
        fetch(base + path, { headers, redirect: "manual", signal: AbortSignal.timeout(30_000) }).then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        }),
        30_000,
        0,
      );
      if (status === 200) ms.push(performance.now() - t0);
      else bad += 1;
    } catch {
      bad += 1;
    }
    await sleep(50);
  }
  return { ms, bad };
}

type Phase = { me: { ms: number[]; bad: number }; health: { ms: number[]; bad: number } };

async function measure(cookie: string, during?: Promise<unknown>): Promise<Phase> {
  const until = Date.now() + seconds * 1000;
  const [me, health] = await Promise.all([probe("/me", { cookie }, until), probe("/api/health", {}, until), during]);
  return { me, health };
}

/** Registrations of fresh names at `rate` a second for `seconds`, each sent without waiting for the last. */
async function flood(register: { id: string; url: string }): Promise<Map<string, number>> {
  const run = Date.now().toString(36);
  const tally = new Map<string, number>();
  const inFlight: Promise<void>[] = [];
  const count = (k: string) => tally.set(k, (tally.get(k) ?? 0) + 1);
  const t0 = Date.now();
  for (let n = 0; Date.now() - t0 < seconds * 1000; n++) {
    const identifier = `flood_${run}_${n}`;
    // Valid and not containing the name, so each one would create an account if let through.
    const password = `pass-${n}-${run}-flood`;
    inFlight.push(
      callAction({ base, id: register.id, url: register.url, form: { identifier, password, confirm: password } }).then((out: Outcome) => {
        count(out.kind === "ack" ? "created" : `${out.kind}: ${out.message.slice(0, 80)}`);
      }),
    );
    // Open loop: the next one leaves on schedule whatever the server does with the last.
    const due = t0 + ((n + 1) * 1000) / rate;
    await sleep(Math.max(0, due - Date.now()));
  }
  // Whatever has no answer 30 s after the flood ends is counted as such.
  const answered = tally;
  await within(Promise.all(inFlight), 30_000, undefined);
  const unanswered = inFlight.length - [...answered.values()].reduce((a, b) => a + b, 0);
  if (unanswered > 0) answered.set("no answer 30 s after the flood", unanswered);
  return answered;
}

const fmt = (ms: number[], p: number) => (ms.length === 0 ? "-" : percentile([...ms].sort((a, b) => a - b), p).toFixed(0));

async function main(): Promise<void> {
  const actions = actionIds();
  const login = actions.get("login");
  const register = actions.get("register");
  if (!login || !register) throw new Error("no login/register action in .next/: build this checkout first (next build)");

  const signIn = await callAction({ base, id: login.id, url: login.url, form: { identifier: args.user!, password: args.password! } });
  const cookie = cookieHeader("cookies" in signIn ? (signIn.cookies ?? []) : []);
  if (signIn.kind !== "ack" || !cookie.includes("session-token")) {
    throw new Error(`could not sign ${args.user} in: ${signIn.kind} ${"message" in signIn ? signIn.message : ""}`);
  }

  console.log(`[flood] ${base}: ${seconds} s baseline, then ${seconds} s of registrations at ${rate}/s from one client`);
  const before = await measure(cookie);
  console.log(`[flood] baseline: ${before.me.ms.length} /me and ${before.health.ms.length} /api/health probes; flooding`);
  const started = Date.now();
  let tally = new Map<string, number>();
  const during = await measure(
    cookie,
    flood(register).then((t) => (tally = t)),
  );
  const floodSeconds = (Date.now() - started) / 1000;

  console.log("");
  console.log("| phase | signed-in /me p50 / p95 (ms) | /api/health p50 / p95 (ms) | probes (not 200) |");
  console.log("|---|---|---|---|");
  for (const [name, p] of [["before", before], ["during the flood", during]] as const) {
    console.log(
      `| ${name} | ${fmt(p.me.ms, 50)} / ${fmt(p.me.ms, 95)} | ${fmt(p.health.ms, 50)} / ${fmt(p.health.ms, 95)} | ${p.me.ms.length + p.health.ms.length} (${p.me.bad + p.health.bad}) |`,
    );
  }
  const sent = [...tally.values()].reduce((a, b) => a + b, 0);
  console.log("");
  console.log(`registrations sent: ${sent} in ${floodSeconds.toFixed(1)} s`);
  console.log("| answer | count |");
  console.log("|---|---|");
  for (const [k, v] of [...tally.entries()].sort((a, b) => b[1] - a[1])) console.log(`| ${k} | ${v} |`);
}

// The requests' timeouts (AbortSignal.timeout) do not keep Node running; without this, a request the
// server never answers could let the process end silently before the table is printed.
const keepAlive = setInterval(() => {}, 1000);
main()
  .catch((e: unknown) => {
    console.error(`[flood] ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => clearInterval(keepAlive));
