import "server-only";
import { z } from "zod";

/**
 * The one validated reader of process.env. Everything else imports `env`.
 *
 * Secrets have development defaults only outside production builds' real deployments:
 * `npm start` (scripts/start.ts) generates and persists real random secrets under .data/
 * before starting Next, so the defaults below are only reached by tests and `next dev`.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
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
   * chaos run (`npm run chaos -- --broken-drain`) and lib/queue/broken-drain.db.test.ts can prove that
   * they catch a broken drain. Unset (the default), the drain is the real one; any other value is
   * refused at start-up.
   */
  FREELINE_TEST_BROKEN_DRAIN: z.enum(["skip-lock"]).optional(),
});

export type Env = z.infer<typeof schema>;

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = load();

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
