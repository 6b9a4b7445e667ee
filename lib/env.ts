import "server-only";
import { z } from "zod";

/**
 * The one validated reader of process.env. Everything else imports `env`.
 *
 * Secrets have development defaults only outside production builds' real deployments:
 * `npm start` (scripts/start.ts) generates and persists real random secrets under .data/
 * before starting Next, so the defaults below are only reached by tests and `next dev`.
 */
/** An http(s) origin: scheme, host and port, nothing after them (a trailing "/" is allowed). */
const originSchema = z
  .string()
  .trim()
  .refine((s) => /^https?:$/.test(asUrl(s)?.protocol ?? ""), "an http:// or https:// URL such as https://shop.example")
  .refine((s) => {
    const u = asUrl(s);
    return !u || (u.pathname === "/" && !u.search && !u.hash && !u.username && !u.password);
  }, "the origin only (scheme, host and port), with no path, query or credentials")
  .transform((s) => new URL(s).origin);

/** An http(s) URL, any path; an empty string counts as unset. */
const httpUrlSchema = z
  .string()
  .trim()
  .refine((s) => /^https?:$/.test(asUrl(s)?.protocol ?? ""), "an http:// or https:// URL such as http://otel-collector:4318")
  .optional()
  .or(z.literal("").transform(() => undefined));

function asUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

const fields = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Set by `next build` while it evaluates modules: a build serves nobody. */
  NEXT_PHASE: z.string().optional(),
  DATABASE_URL: z.string().url().optional(),
  /**
   * A connection that keeps one server session for its whole life, for what a transaction pooler
   * (pgbouncer in transaction mode, behind DATABASE_URL) cannot carry: LISTEN (the job runner's
   * wake-ups, cache invalidation), session advisory locks (migrations) and named prepared
   * statements (graphile-worker). Postgres itself, or a pgbouncer database in session mode.
   * Unset: DATABASE_URL is used for these too (a direct connection already).
   */
  DATABASE_DIRECT_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  /**
   * "off" behind a transaction pooler (pgbouncer before 1.21 in transaction mode): the order path's
   * named prepared statements (db/prepared.ts) then run unnamed, because the next transaction may get
   * another server connection, which never saw the name.
   */
  DATABASE_PREPARED_STATEMENTS: z.enum(["on", "off"]).default("on"),
  /** Max connections in this process's pool. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  AUTH_SECRET: z.string().min(16).default("dev-only-auth-secret-change-me-please"),
  CRON_SECRET: z.string().min(16).default("dev-only-cron-secret-change-me"),
  /** HMAC key the dev payment provider signs its webhooks with. */
  PAYMENT_DEV_SECRET: z.string().min(16).default("dev-only-payment-secret-change-me"),
  /** How the server reaches itself (the dev provider posts its webhook here). */
  APP_INTERNAL_URL: z.string().url().optional(),
  /**
   * The origin browsers use to reach the app (https://shop.example). Required in production: the
   * Origin check of every cookie-authenticated write compares against it, and Auth.js builds its
   * absolute URLs (sign-in, sign-out redirects) from it. Headers a client can send
   * (X-Forwarded-Host, X-Forwarded-Proto) are never believed for this.
   */
  PUBLIC_URL: originSchema.optional(),
  /** Auth.js's own name for the same origin: set from PUBLIC_URL below; if set by hand, it must agree. */
  AUTH_URL: originSchema.optional(),
  /**
   * The header a trusted reverse proxy puts the client address in (e.g. x-forwarded-for,
   * x-real-ip). Unset: no header is believed, since any client can send one, and login throttling
   * puts every client in one "unknown" address bucket (the per-account limits still apply).
   */
  TRUSTED_PROXY_HEADER: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]+$/, "a header name")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** How many proxies in front of the app append to that header: the address is that many entries from the right. */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  /** Orders one customer may place per minute (lib/orders/rate-limit.ts). */
  ORDER_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Registrations one client address may make per 15 minutes, when a trusted proxy names it (lib/auth/throttle.ts). */
  REGISTRATIONS_PER_15_MIN: z.coerce.number().int().min(1).max(100_000).default(10),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Where people write about their personal information; shown on the privacy notice (/privacy). */
  PRIVACY_CONTACT_EMAIL: z.string().email().default("privacy@freeline.example"),
  /** Jobs (lib/jobs) one worker process runs at once (`npm run worker`, and the one `npm start` runs). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
  /** Platform points policy overrides (defaults in lib/rules/settings.ts): daily release and expiry. */
  POINTS_RELEASE_BPS_PER_DAY: z.coerce.number().int().min(1).max(10000).optional(),
  POINTS_EXPIRY_DAYS: z.coerce.number().int().min(0).max(3650).optional(),
  /** Minutes a pending order may wait for its payment before it expires (closed at the provider). */
  PAYMENT_EXPIRY_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(15),
  /** Providers the platform turns off for new checkouts, comma-separated (`wechat`, `alipay`). */
  PAYMENT_DISABLED: z
    .string()
    .trim()
    .regex(/^((wechat|alipay)(,(wechat|alipay))*)?$/, "a comma-separated list of wechat, alipay")
    .optional(),
  // WeChat Pay API v3 (docs/payments.md). Keys and certificates: PEM text or a file path.
  WECHATPAY_MCHID: z.string().regex(/^\d{6,20}$/, "a numeric merchant id").optional(),
  WECHATPAY_APPID: z.string().regex(/^wx[0-9a-zA-Z]{6,30}$/, "an app id such as wx1234…").optional(),
  /** Serial number of the merchant API certificate (商户API证书序列号). */
  WECHATPAY_MERCHANT_SERIAL: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, "a hexadecimal serial number").optional(),
  WECHATPAY_PRIVATE_KEY: z.string().min(1).optional(),
  /** The APIv3 key (32 characters) that decrypts notifications. */
  WECHATPAY_API_V3_KEY: z.string().length(32, "exactly 32 characters").optional(),
  /** WeChat Pay platform certificate(s) (平台证书); their serials are read from them. */
  WECHATPAY_PLATFORM_CERT: z.string().min(1).optional(),
  /** Or WeChat Pay's public key (微信支付公钥) and its id `PUB_KEY_ID_…`. */
  WECHATPAY_PUBLIC_KEY: z.string().min(1).optional(),
  WECHATPAY_PUBLIC_KEY_ID: z.string().regex(/^PUB_KEY_ID_[0-9A-Za-z]+$/, "PUB_KEY_ID_…").optional(),
  /** 商家转账 scene id, needed only for withdrawals to WeChat. */
  WECHATPAY_TRANSFER_SCENE_ID: z.string().regex(/^\d{1,16}$/).optional(),
  /**
   * The AppSecret of the app id (公众号), for WeChat's OAuth in WeChat's browser (snsapi_base): it
   * gives the customer's openid, which JSAPI payments and withdrawals to WeChat need.
   */
  WECHATPAY_APP_SECRET: z.string().regex(/^[0-9A-Za-z]{16,64}$/, "the app id's AppSecret (letters and digits)").optional(),
  /** WeChat's OAuth pages (authorize) and its API (sns/oauth2/access_token): only the test suite's fake changes them. */
  WECHAT_OAUTH_BASE_URL: z.string().url().default("https://open.weixin.qq.com/"),
  WECHAT_API_BASE_URL: z.string().url().default("https://api.weixin.qq.com/"),
  /** The API's address: only the test suite's fake server changes it. */
  WECHATPAY_BASE_URL: z.string().url().default("https://api.mch.weixin.qq.com/"),
  // Alipay (docs/payments.md). Keys and certificates: PEM text or a file path.
  ALIPAY_APP_ID: z.string().regex(/^\d{10,20}$/, "a numeric app id").optional(),
  ALIPAY_PRIVATE_KEY: z.string().min(1).optional(),
  /** Alipay's public key (公钥模式) … */
  ALIPAY_PUBLIC_KEY: z.string().min(1).optional(),
  /** … or the three certificates of 证书模式 (which Alipay requires for transfers). */
  ALIPAY_APP_CERT: z.string().min(1).optional(),
  ALIPAY_PUBLIC_CERT: z.string().min(1).optional(),
  ALIPAY_ROOT_CERT: z.string().min(1).optional(),
  /** The gateway's address: only the test suite's fake server changes it. */
  ALIPAY_GATEWAY: z.string().url().default("https://openapi.alipay.com/gateway.do"),
  /** How long a call to a payment provider may take, in milliseconds. */
  PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  // Operations (docs/operations.md): logs and metrics.
  /** pino's level for the JSON log lines on stdout. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * The bearer secret GET /api/metrics asks for (Prometheus: `authorization: { credentials: … }`).
   * Unset in production, the endpoint refuses every scrape and says so; unset elsewhere, it is open.
   */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  /** Where `npm run worker` serves its own metrics (same bearer), for Prometheus to scrape; unset: not served. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Queues named one by one in the per-queue metrics (the deepest ones); the rest are summed. */
  METRICS_TOP_QUEUES: z.coerce.number().int().min(0).max(200).default(20),
  // Traces (docs/operations.md, "Traces"): OpenTelemetry spans sent as OTLP over HTTP (JSON) to a
  // collector. Off unless an endpoint is set. The names are OpenTelemetry's own.
  /** The collector's base URL (http://otel-collector:4318): traces go to <it>/v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrlSchema,
  /** The full traces URL, when it is not <base>/v1/traces; wins over the base. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrlSchema,
  /** Headers sent with every export (a collector's API key): `name=value,name2=value2`, values URL-encoded. */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .trim()
    .regex(/^([A-Za-z0-9-]+=[^,=]*)(,[A-Za-z0-9-]+=[^,=]*)*$/, "name=value pairs, comma-separated")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Only OTLP/HTTP with JSON bodies is built in (every collector accepts it on :4318). */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["http/json"], { message: "only http/json is supported: point it at the collector's OTLP/HTTP port (4318)" }).optional(),
  ),
  /** The service's name on its spans; default freeline-web, or freeline-worker for the job runner. */
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(100).optional().or(z.literal("").transform(() => undefined)),
  /** The share of new traces kept, 0 to 1 (a request's parent decides when it sent a traceparent). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** After SIGTERM, `next start` exits within this many ms even if requests are still running. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(25_000),
  /**
   * After SIGTERM, how long the instance goes on serving while /api/health/ready answers 503, so a
   * load balancer takes it out before its port closes: at least the balancer's check interval
   * times the failures it needs (haproxy `inter 1s fall 2`: 2000 or more). 0: close at once.
   */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(300_000).default(0),
  // Web Push (docs/notifications.md): the VAPID key pair, base64url as web-push makes it, and a
  // contact (mailto: or https:) push services may write to. `npm start` generates a pair into
  // .data/ when none is set; unset elsewhere, Web Push is off and the in-app list still works.
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{86,88}$/, "a base64url P-256 public key (87 characters)").optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{42,44}$/, "a base64url P-256 private key (43 characters)").optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:.+@.+|https:\/\/.+)$/, "mailto:ops@example.com or an https:// URL").optional(),
  // SMS (docs/notifications.md): `dev` writes each message to the server log; `tencent` sends it
  // through Tencent Cloud SMS with the TENCENT_SMS_* variables below.
  SMS_PROVIDER: z.enum(["dev", "tencent"]).default("dev"),
  TENCENT_SMS_SECRET_ID: z.string().trim().min(1).optional(),
  TENCENT_SMS_SECRET_KEY: z.string().trim().min(1).optional(),
  /** The SMS application's SdkAppId (短信应用 ID). */
  TENCENT_SMS_SDK_APP_ID: z.string().regex(/^\d{6,20}$/, "a numeric SdkAppId").optional(),
  /** The approved signature (短信签名), e.g. 免单排队. */
  TENCENT_SMS_SIGN_NAME: z.string().trim().min(1).max(40).optional(),
  /** Approved template ids by message name: `entry_freed=1234567,refund_done=1234568,…` (docs/notifications.md). */
  TENCENT_SMS_TEMPLATES: z
    .string()
    .trim()
    .regex(/^[a-z_]+=\d{1,20}(,[a-z_]+=\d{1,20})*$/, "name=templateId pairs, comma-separated")
    .optional(),
  TENCENT_SMS_REGION: z.string().regex(/^[a-z]+-[a-z]+$/).default("ap-guangzhou"),
  /**
   * TEST ONLY, never set in a deployment: `skip-lock` makes the drain skip its queue lock, so the
   * chaos run (`npm run chaos -- --broken-drain`) and lib/queue/broken-drain.db.test.ts can prove that
   * they catch a broken drain. Unset (the default), the drain is the real one; any other value is
   * refused at start-up.
   */
  FREELINE_TEST_BROKEN_DRAIN: z.enum(["skip-lock"]).optional(),
});

/**
 * A provider is configured all or nothing: some of its variables without the others would fail at
 * the first payment, so the start is refused with one sentence naming what is missing.
 */
function providerCompleteness(e: z.infer<typeof fields>, ctx: z.RefinementCtx): void {
  const wechat = {
    WECHATPAY_MCHID: e.WECHATPAY_MCHID,
    WECHATPAY_APPID: e.WECHATPAY_APPID,
    WECHATPAY_MERCHANT_SERIAL: e.WECHATPAY_MERCHANT_SERIAL,
    WECHATPAY_PRIVATE_KEY: e.WECHATPAY_PRIVATE_KEY,
    WECHATPAY_API_V3_KEY: e.WECHATPAY_API_V3_KEY,
    "WECHATPAY_PLATFORM_CERT or WECHATPAY_PUBLIC_KEY": e.WECHATPAY_PLATFORM_CERT ?? e.WECHATPAY_PUBLIC_KEY,
  };
  const alipay = {
    ALIPAY_APP_ID: e.ALIPAY_APP_ID,
    ALIPAY_PRIVATE_KEY: e.ALIPAY_PRIVATE_KEY,
    "ALIPAY_PUBLIC_KEY or ALIPAY_PUBLIC_CERT": e.ALIPAY_PUBLIC_KEY ?? e.ALIPAY_PUBLIC_CERT,
  };
  for (const [name, vars] of [["WeChat Pay", wechat], ["Alipay", alipay]] as const) {
    const missing = Object.entries(vars).filter(([, v]) => !v).map(([k]) => k);
    if (missing.length > 0 && missing.length < Object.keys(vars).length) {
      ctx.addIssue({ code: "custom", path: [], message: `${name} is half-configured: set ${missing.join(", ")} as well, or none of its variables.` });
    }
  }
  if (e.WECHATPAY_PUBLIC_KEY && !e.WECHATPAY_PUBLIC_KEY_ID) {
    ctx.addIssue({ code: "custom", path: ["WECHATPAY_PUBLIC_KEY_ID"], message: "WECHATPAY_PUBLIC_KEY needs its id WECHATPAY_PUBLIC_KEY_ID." });
  }
  if (e.WECHATPAY_APP_SECRET && !e.WECHATPAY_MCHID) {
    ctx.addIssue({ code: "custom", path: ["WECHATPAY_APP_SECRET"], message: "WECHATPAY_APP_SECRET is WeChat Pay's app secret: configure WeChat Pay (WECHATPAY_MCHID, WECHATPAY_APPID, …) as well, or unset it." });
  }
  const vapid = [e.VAPID_PUBLIC_KEY, e.VAPID_PRIVATE_KEY, e.VAPID_SUBJECT].filter(Boolean).length;
  if (vapid > 0 && vapid < 3) {
    ctx.addIssue({ code: "custom", path: [], message: "Web Push is half-configured: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT together, or none of them." });
  }
  const tencentSms = {
    TENCENT_SMS_SECRET_ID: e.TENCENT_SMS_SECRET_ID,
    TENCENT_SMS_SECRET_KEY: e.TENCENT_SMS_SECRET_KEY,
    TENCENT_SMS_SDK_APP_ID: e.TENCENT_SMS_SDK_APP_ID,
    TENCENT_SMS_SIGN_NAME: e.TENCENT_SMS_SIGN_NAME,
    TENCENT_SMS_TEMPLATES: e.TENCENT_SMS_TEMPLATES,
  };
  const smsMissing = Object.entries(tencentSms).filter(([, v]) => !v).map(([k]) => k);
  if (smsMissing.length > 0 && (e.SMS_PROVIDER === "tencent" || smsMissing.length < Object.keys(tencentSms).length)) {
    ctx.addIssue({ code: "custom", path: [], message: `Tencent Cloud SMS is half-configured: set ${smsMissing.join(", ")} as well${e.SMS_PROVIDER === "tencent" ? " (SMS_PROVIDER=tencent)" : ", or none of its variables"}.` });
  }
  if (smsMissing.length === 0 && e.SMS_PROVIDER !== "tencent") {
    ctx.addIssue({ code: "custom", path: ["SMS_PROVIDER"], message: "the TENCENT_SMS_* variables are set: set SMS_PROVIDER=tencent to use them, or unset them" });
  }
  const certs = [e.ALIPAY_APP_CERT, e.ALIPAY_PUBLIC_CERT, e.ALIPAY_ROOT_CERT].filter(Boolean).length;
  if (certs > 0 && certs < 3) {
    ctx.addIssue({ code: "custom", path: [], message: "Alipay's certificate mode needs ALIPAY_APP_CERT, ALIPAY_PUBLIC_CERT and ALIPAY_ROOT_CERT together." });
  }
}

const schema = fields.superRefine((e, ctx) => {
  providerCompleteness(e, ctx);
  const serving = e.NODE_ENV === "production" && e.NEXT_PHASE !== "phase-production-build";
  if (serving && !e.PUBLIC_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["PUBLIC_URL"],
      message:
        "required in production: the origin browsers use to reach the app, e.g. https://shop.example (`npm start` sets http://localhost:$PORT)",
    });
  }
  if (e.NODE_ENV === "production" && e.FREELINE_TEST_BROKEN_DRAIN) {
    ctx.addIssue({
      code: "custom",
      path: ["FREELINE_TEST_BROKEN_DRAIN"],
      message: "this test-only switch drops the queue lock, so a production server (NODE_ENV=production) refuses to start with it set; unset it",
    });
  }
  if (e.SHUTDOWN_DRAIN_MS >= e.SHUTDOWN_TIMEOUT_MS) {
    ctx.addIssue({ code: "custom", path: ["SHUTDOWN_DRAIN_MS"], message: "must be shorter than SHUTDOWN_TIMEOUT_MS, which bounds the whole shutdown (drain, then the requests in flight)" });
  }
  if (e.AUTH_URL && e.AUTH_URL !== e.PUBLIC_URL) {
    ctx.addIssue({ code: "custom", path: ["AUTH_URL"], message: "must be unset or equal to PUBLIC_URL (Auth.js gets PUBLIC_URL as AUTH_URL)" });
  }
});

export type Env = z.infer<typeof schema>;

/** Validates an environment; throws one error listing every problem, a line each. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    // Names and rules only: a value (a key, a secret) is never echoed.
    const lines = parsed.error.issues.map((i) => (i.path.length ? `  ${i.path.join(".")}: ${i.message}` : `  ${i.message}`));
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

function load(): Env {
  const e = parseEnv(process.env);
  // Auth.js reads AUTH_URL from process.env at each sign-in, sign-out and session read; unset, it
  // builds those URLs from X-Forwarded-Host, which any client can send (a sign-out could then
  // redirect to another site). There is no option to pass it, so it is handed over here.
  if (e.PUBLIC_URL) process.env.AUTH_URL = e.PUBLIC_URL;
  return e;
}

export const env: Env = load();

/** The app's public origin (PUBLIC_URL), or null where none is configured (development, tests). */
export function publicOrigin(): string | null {
  return env.PUBLIC_URL ?? null;
}

/** The database URL, or a clear error when none was configured. */
export function databaseUrl(): string {
  if (!env.DATABASE_URL) {
    throw new Error(
      "DATABASE_URL is not set. Use `npm start` (starts the embedded Postgres) or set DATABASE_URL.",
    );
  }
  return env.DATABASE_URL;
}

/**
 * The session-keeping connection (DATABASE_DIRECT_URL, else DATABASE_URL): for LISTEN, session
 * advisory locks and named prepared statements, which a transaction pooler would break.
 */
export function directDatabaseUrl(): string {
  return env.DATABASE_DIRECT_URL ?? databaseUrl();
}

export function internalUrl(): string {
  // `next start -p N` sets process.env.PORT itself when it starts listening, which may be after
  // this module read the environment.
  return env.APP_INTERNAL_URL ?? `http://localhost:${process.env.PORT || env.PORT}`;
}

/** The address customers and providers reach this site at, without a trailing slash. */
export function publicUrl(): string {
  return (env.PUBLIC_URL ?? `http://localhost:${process.env.PORT || env.PORT}`).replace(/\/+$/, "");
}
