// `npm run screenshots`: phone-sized screenshots of each role's main page, from the production app
// on a fresh seeded database, into docs/screenshots/*.png (the README shows them). A script, not a
// test. `npm run screenshots -- --no-build` reuses the current .next/ build.
import fs from "node:fs";
import path from "node:path";
import { DEMO_STORES, DEMO_USERS } from "./lib/demo-seed";
import { root, signedInContext, startProductionApp } from "./lib/production-app";

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const noodle = DEMO_STORES.find((s) => s.slug === "noodle-bar")!;

const SHOTS = [
  { file: "store.png", user: DEMO_USERS.customer, path: "/s/noodle-bar", scheme: "light" },
  { file: "store-dark.png", user: DEMO_USERS.customer, path: "/s/noodle-bar", scheme: "dark" },
  // guest has three orders waiting at the noodle bar: /me shows a live queue, not its empty state.
  { file: "me.png", user: DEMO_USERS.guest, path: "/me", scheme: "light" },
  { file: "merchant.png", user: { username: noodle.owner, password: noodle.password }, path: "/merchant", scheme: "light" },
  { file: "operator.png", user: DEMO_USERS.operator, path: "/operator", scheme: "light" },
] as const;

const outDir = path.join(root, "docs", "screenshots");
fs.mkdirSync(outDir, { recursive: true });

const app = await startProductionApp();
try {
  for (const shot of SHOTS) {
    const s = await signedInContext(app.baseUrl, shot.user, { ...PHONE, colorScheme: shot.scheme });
    const page = await s.context.newPage();
    await page.goto(shot.path);
    await page.waitForLoadState("networkidle");
    const file = path.join(outDir, shot.file);
    await page.screenshot({ path: file });
    console.log(`[screenshots] ${shot.path} (${shot.scheme}) -> docs/screenshots/${shot.file} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
    await s.close();
  }
} finally {
  await app.stop();
}
