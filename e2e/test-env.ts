// Shared by playwright.config.ts (the webServer's environment) and the specs (e.g. to call the
// cron routes with the cron secret). Fixed test-only values: never used outside e2e runs.
// npm test picks a free port and passes it as E2E_PORT, so two suites on one machine do not collide.
export const E2E_PORT = Number(process.env.E2E_PORT) || 3100;
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;

export const E2E_SECRETS = {
  AUTH_SECRET: "e2e-auth-secret-0123456789abcdef0123456789",
  CRON_SECRET: "e2e-cron-secret-0123456789abcdef",
  PAYMENT_DEV_SECRET: "e2e-payment-dev-secret-0123456789abcdef",
  METRICS_TOKEN: "e2e-metrics-token-0123456789abcdef",
} as const;

export const { AUTH_SECRET, CRON_SECRET, PAYMENT_DEV_SECRET, METRICS_TOKEN } = E2E_SECRETS;

/**
 * The e2e server releases locked points in full each day, so a journey can redeem points after one
 * call of the release job instead of fifty days of 2%. Every browser journey registers from the same
 * address (the socket's), so the per-address registration limit is lifted.
 */
export const E2E_POLICY = { POINTS_RELEASE_BPS_PER_DAY: "10000", REGISTRATIONS_PER_15_MIN: "100000" } as const;

/**
 * The e2e server's environment (playwright.config.ts's webServer). `trustedProxy`: as behind one
 * reverse proxy, so the throttling journeys can send their own X-Forwarded-For to get address
 * buckets of their own (Next fills the header from the socket when a browser sends none). Without
 * it, as a first deployment runs: no client address is believed.
 */
export function e2eServerEnv(port: number, databaseUrl: string, { trustedProxy = true } = {}): Record<string, string> {
  const baseUrl = `http://localhost:${port}`;
  return {
    DATABASE_URL: databaseUrl,
    NODE_ENV: "production",
    PORT: String(port),
    AUTH_TRUST_HOST: "true",
    APP_INTERNAL_URL: baseUrl,
    // The origin the browser uses: the Origin check and Auth.js's absolute URLs go by it.
    PUBLIC_URL: baseUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    ...(trustedProxy ? { TRUSTED_PROXY_HEADER: "x-forwarded-for", TRUSTED_PROXY_HOPS: "1" } : {}),
    ...E2E_SECRETS,
    ...E2E_POLICY,
  };
}
