/**
 * Runs once as the server starts (`next start`, before it takes requests): validating the
 * environment here (lib/env.ts) stops a server with a missing PUBLIC_URL, or with a test-only
 * switch under NODE_ENV=production, with one clear error, instead of failing its first request.
 */
export async function register(): Promise<void> {
  await import("./lib/env");
}
