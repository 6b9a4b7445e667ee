import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext } from "./test";
import { actionUrl, closeDb, manifestActions, postAction, scalar } from "./matrix";
import { freePort } from "../lib/testing/throwaway-postgres";
import { e2eServerEnv } from "./test-env";

// As a first deployment runs: TRUSTED_PROXY_HEADER unset, so no client address is believed and
// every client looks the same. The suite's own server trusts X-Forwarded-For, so this spec starts a
// second server of the same build on the same database, without it.

/** Every demo account (db/seed.ts, README "Demo accounts") and where it lands after signing in. */
const DEMO = [
  ["demo", "demo-pass-2026", "/me"],
  ["guest", "guest-pass-2026", "/me"],
  ["ops", "operator-pass-2026", "/operator/payouts"],
  ["tea", "merchant-pass-2026", "/merchant/queue"],
  ["noodle", "merchant-pass-2026", "/merchant/queue"],
  ["book", "merchant-pass-2026", "/merchant/queue"],
  ["fruit", "merchant-pass-2026", "/merchant/queue"],
] as const;

let server: ChildProcess | undefined;
let base = "";
/** The second server's last lines on stderr, shown when a test fails. */
const serverLog: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is not set (npm test passes it to Playwright)");
  const port = await freePort();
  base = `http://localhost:${port}`;
  // Nothing of the runner's own environment may make this server trust a header.
  const inherited = { ...process.env };
  delete inherited.TRUSTED_PROXY_HEADER;
  delete inherited.TRUSTED_PROXY_HOPS;
  server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], {
    env: { ...inherited, ...e2eServerEnv(port, process.env.DATABASE_URL, { trustedProxy: false }) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  server.stderr?.on("data", (chunk: Buffer) => {
    serverLog.push(String(chunk));
    if (serverLog.length > 50) serverLog.shift();
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i > 240 || server.exitCode !== null) throw new Error("the second server did not come up");
    await new Promise((r) => setTimeout(r, 500));
  }
});

test.afterEach(({}, info) => {
  if (info.status !== info.expectedStatus) console.error(`[second server, exit ${server?.exitCode}]\n${serverLog.join("")}`);
});

test.afterAll(async () => {
  await closeDb();
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server!.once("exit", r));
  server.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  if (server.exitCode === null) server.kill("SIGKILL");
});

/** The URL and id of one of the build's server actions in app/(auth)/actions.ts. */
function authAction(name: "login" | "register") {
  const action = manifestActions().find((a) => a.name === name && a.file.includes("(auth)/actions"));
  if (!action) throw new Error(`the ${name} action is not in the build's manifest`);
  return { id: action.id, url: `${base}${actionUrl(action.workers)}` };
}

/** Signs a demo user in through the login action, as the login form does; expects their home page and a session. */
async function signIn(request: APIRequestContext, [identifier, password, home]: (typeof DEMO)[number]): Promise<void> {
  const action = authAction("login");
  const answer = await postAction(request, action.id, action.url, { identifier, password }, { origin: base });
  expect(answer.headers["x-action-redirect"] ?? answer.body, identifier).toMatch(new RegExp(`^${home}(;|$)`));
  expect(answer.headers["set-cookie"], identifier).toMatch(/authjs\.session-token=/);
}

test("one client's 200 wrong logins over 100 names lock nobody out: every demo user then signs in at once", async ({ request }) => {
  test.setTimeout(240_000);
  const action = authAction("login");
  const names = Array.from({ length: 100 }, () => `nobody_${randomBytes(5).toString("hex")}`);
  const attempts = Array.from({ length: 200 }, (_, i) => names[i % names.length]!);
  // Twenty at a time, each worker sending its next as soon as its last is answered (an idle
  // keep-alive socket can be closed by the server just as it is reused). The global slow-down
  // holds each for up to 3 s and refuses none. A forged X-Forwarded-For on each changes nothing:
  // no header is believed.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < attempts.length; i = next++) {
      const answer = await postAction(request, action.id, action.url, { identifier: attempts[i]!, password: "wrong-guess-2026" }, {
        origin: base,
        "x-forwarded-for": `198.51.100.${1 + (i % 254)}`,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toContain("用户名或密码错误");
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  await Promise.all(DEMO.map((user) => signIn(request, user)));
});

test("one client's registration flood creates at most 30 accounts a minute; the rest are told to wait, and no one is locked out of login", async ({ request }) => {
  test.setTimeout(240_000);
  const action = authAction("register");
  const prefix = `flood${randomBytes(3).toString("hex")}`;
  const answers: string[] = [];
  for (let i = 0; i < 40; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: 5 }, (_, j) => {
        const identifier = `${prefix}_${i + j}`;
        const password = `pass-${i + j}-flood-2026`;
        return postAction(request, action.id, action.url, { identifier, password, confirm: password, consent: "on" }, { origin: base });
      }),
    );
    for (const a of batch) {
      expect(a.status, a.body).toBeLessThan(500);
      answers.push(a.body);
    }
  }
  const created = Number(await scalar("select count(*) from users where username like $1", [`${prefix}\\_%`]));
  expect(created).toBeGreaterThan(0);
  expect(created).toBeLessThanOrEqual(30);
  const refused = answers.filter((b) => b.includes("注册太频繁"));
  expect(refused.length).toBe(40 - created);
  // Registrations were refused, logins are not: the demo customer still signs in.
  await signIn(request, DEMO[0]);
});
