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
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Platform points policy overrides (defaults in lib/rules/settings.ts): daily release and expiry. */
  POINTS_RELEASE_BPS_PER_DAY: z.coerce.number().int().min(1).max(10000).optional(),
  POINTS_EXPIRY_DAYS: z.coerce.number().int().min(0).max(3650).optional(),
  /**
   * TEST ONLY, never set in a deployment: `skip-lock` makes the drain skip its queue lock, so the
   * chaos run (`npm run chaos -- --broken-drain`) and lib/queue/broken-drain.test.ts can prove that
   * they catch a broken drain. Unset (the default), the drain is the real one; any other value is
   * refused at start-up.
   */
  FREELINE_TEST_BROKEN_DRAIN: z.enum(["skip-lock"]).optional(),
});

const schema = fields.superRefine((e, ctx) => {
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
  if (e.AUTH_URL && e.AUTH_URL !== e.PUBLIC_URL) {
    ctx.addIssue({ code: "custom", path: ["AUTH_URL"], message: "must be unset or equal to PUBLIC_URL (Auth.js gets PUBLIC_URL as AUTH_URL)" });
  }
});

export type Env = z.infer<typeof schema>;

/** Validates an environment; throws one error listing every problem, a line each. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
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

export function internalUrl(): string {
  // `next start -p N` sets process.env.PORT itself when it starts listening, which may be after
  // this module read the environment.
  return env.APP_INTERNAL_URL ?? `http://localhost:${process.env.PORT || env.PORT}`;
}
