import { spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import { freePort } from "../lib/testing/throwaway-postgres";
import { AlipayFake } from "../lib/payments/alipay/fake-server";
import { WechatFake } from "../lib/payments/wechat/fake-server";
import { test } from "./test";
import { e2eServerEnv } from "./test-env";

/**
 * The app taking money through WeChat Pay and Alipay, for browser journeys with no network: the two
 * providers' local fakes (keys generated here: RSA 2048, a WeChat platform certificate, the APIv3
 * key, RSA2 for Alipay), a second `next start` of the suite's build configured with those keys and
 * with WECHATPAY_BASE_URL / ALIPAY_GATEWAY pointing at the fakes, and a job runner beside it, as
 * `npm start` runs one. The app talks to the fakes through the real SDKs, and the fakes notify the
 * app's webhooks signed, as the providers do (their cashier pages pay, notify and send the browser
 * back).
 *
 * It has a database of its own, migrated and seeded with the demo data, so its job runner is the
 * only one that sees its refunds and transfers (the suite's own runner knows no real provider and
 * would take the jobs and fail them), and nothing it does shows up in other journeys.
 *
 *   const app = await startProviderApp();      // in beforeAll (allow a minute or two)
 *   page.goto(`${app.baseUrl}/s/tea-house`);   // the same seeded stores and demo accounts
 *   app.wechat.refundOutcome = "ABNORMAL";     // steer a fake
 *   await app.stop();                          // in afterAll
 */
export type ProviderApp = {
  /** The app's origin, e.g. http://localhost:41234 (its PUBLIC_URL; the webhooks are under it). */
  baseUrl: string;
  /** Its database (for assertions), dropped by stop(). */
  databaseUrl: string;
  wechat: WechatFake;
  alipay: AlipayFake;
  /** The last lines the app and its job runner wrote, for a failing test's report. */
  log(): string;
  stop(): Promise<void>;
};

export type ProviderAppOptions = {
  /** More environment for the app and its job runner (e.g. PAYMENT_DISABLED=alipay). */
  env?: Record<string, string>;
};

const TSX = ["node_modules/.bin/tsx", "--import", "./scripts/lib/server-only.mjs"];

/** Waits for a child to exit; rejects with its output when it fails. */
function finished(child: ChildProcess, what: string, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${what} exited with ${code}:\n${lines.join("")}`))));
  });
}

function keep(lines: string[], child: ChildProcess, tag: string): void {
  const add = (chunk: Buffer) => {
    lines.push(`[${tag}] ${String(chunk)}`);
    if (lines.length > 200) lines.shift();
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** The suite's database URL with another database name. */
function sibling(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(url: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** The environment that points the app at the fakes, keys and all (lib/env.ts reads it). */
function providerEnv(wechat: WechatFake, alipay: AlipayFake): Record<string, string> {
  return {
    WECHATPAY_MCHID: wechat.keys.mchid,
    WECHATPAY_APPID: wechat.keys.appid,
    WECHATPAY_MERCHANT_SERIAL: wechat.keys.merchantSerial,
    WECHATPAY_PRIVATE_KEY: wechat.keys.merchantPrivateKey,
    WECHATPAY_API_V3_KEY: wechat.keys.apiV3Key,
    WECHATPAY_PLATFORM_CERT: wechat.keys.platformCert,
    WECHATPAY_TRANSFER_SCENE_ID: "1000",
    WECHATPAY_BASE_URL: wechat.url,
    ALIPAY_APP_ID: alipay.keys.appId,
    ALIPAY_PRIVATE_KEY: alipay.keys.appPrivateKey,
    ALIPAY_PUBLIC_KEY: alipay.keys.alipayPublicKey,
    ALIPAY_GATEWAY: alipay.url,
    PAYMENT_PROVIDER_TIMEOUT_MS: "5000",
  };
}

export async function startProviderApp(opts: ProviderAppOptions = {}): Promise<ProviderApp> {
  const suiteDb = process.env.DATABASE_URL;
  if (!suiteDb) throw new Error("DATABASE_URL is not set (npm test passes it to Playwright)");
  const lines: string[] = [];
  const children: ChildProcess[] = [];
  const wechat = await new WechatFake().start();
  const alipay = await new AlipayFake().start();
  const dbName = `freeline_providers_${Date.now()}_${process.pid}`;
  const databaseUrl = sibling(suiteDb, dbName);
  let created = false;

  const stop = async () => {
    for (const c of children.reverse()) await stopChild(c);
    await Promise.all([wechat.stop(), alipay.stop()]);
    if (created) await admin(suiteDb, `drop database if exists "${dbName}" with (force)`);
  };

  try {
    await admin(suiteDb, `create database "${dbName}"`);
    created = true;
    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
    const env = {
      ...process.env,
      ...e2eServerEnv(port, databaseUrl),
      ...providerEnv(wechat, alipay),
      ...opts.env,
    } as NodeJS.ProcessEnv;
    for (const script of ["scripts/migrate.ts", "scripts/seed.ts"]) {
      const child = spawn(TSX[0]!, [...TSX.slice(1), script], { env, stdio: ["ignore", "pipe", "pipe"] });
      keep(lines, child, script);
      await finished(child, script, lines);
    }

    const app = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], { env, stdio: ["ignore", "pipe", "pipe"] });
    const worker = spawn(TSX[0]!, [...TSX.slice(1), "scripts/worker.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    children.push(app, worker);
    keep(lines, app, "app");
    keep(lines, worker, "worker");
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${baseUrl}/api/health`)).ok) break;
      } catch {
        /* not listening yet */
      }
      if (i > 240 || app.exitCode !== null || worker.exitCode !== null) throw new Error(`the provider app did not come up:\n${lines.join("")}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return { baseUrl, databaseUrl, wechat, alipay, log: () => lines.join(""), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** An ordinary phone browser (not WeChat's, not Alipay's): a plain phone's payment products (WeChat H5, Alipay wap). */
export const PLAIN_PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
};

/**
 * One provider app for a spec file's tests, which run in order: started before the first, its log
 * printed when a test fails, stopped after the last. Returns how to reach it from a test.
 */
export function providerAppForFile(opts: ProviderAppOptions = {}): () => ProviderApp {
  let app: ProviderApp | undefined;
  test.describe.configure({ mode: "serial" });
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    app = await startProviderApp(opts);
  });
  test.afterEach(({}, info) => {
    if (info.status !== info.expectedStatus && app) console.error(`[provider app]\n${app.log()}`);
  });
  test.afterAll(async () => {
    await app?.stop();
  });
  return () => {
    if (!app) throw new Error("the provider app is not running (beforeAll failed)");
    return app;
  };
}
