// `npm run screenshots`: phone-sized screenshots of each role's main page, from the production app
// on a fresh seeded database, into docs/screenshots/*.png (the README shows them). A script, not a
// test. `npm run screenshots -- --no-build` reuses the current .next/ build.
import fs from "node:fs";
import path from "node:path";
import { DEMO_STORES, DEMO_USERS } from "./lib/demo-seed";
import type { Page } from "@playwright/test";
import { root, signedInContext, startProductionApp } from "./lib/production-app";

// Chinese, the product's first language: pages follow Accept-Language, and Playwright's default is en-US.
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: "zh-CN" };
const noodle = DEMO_STORES.find((s) => s.slug === "noodle-bar")!;

/** The order form with an amount typed: the preview of what will be paid, earned and queued. */
async function typeAmount(page: Page): Promise<void> {
  await page.fill('input[name="amount"]', "120");
  await page.getByTestId("preview-queue").waitFor();
  // The form's end in view: the amount, the preview and the button that says what will be paid.
  await page.getByTestId("order-submit").scrollIntoViewIfNeeded();
}

/**
 * A customer pays ¥600 at the noodle bar, whose pool then frees guest's waiting entries: guest's
 * notification list then has something in it. Runs before the last shot, so /me above still shows
 * guest's live queue.
 */
async function freeGuestEntries(baseUrl: string): Promise<void> {
  const s = await signedInContext(baseUrl, DEMO_USERS.customer, PHONE);
  const page = await s.context.newPage();
  await page.goto("/s/noodle-bar");
  await page.fill('input[name="amount"]', "600");
  await page.getByTestId("order-submit").click();
  await page.waitForURL(/\/pay\/FL/);
  await page.getByRole("button", { name: /确认支付/ }).click();
  await page.waitForURL(/\/orders\/FL/);
  // The drain runs as a job after the payment; wait until it has written guest's notices.
  await page.waitForTimeout(3000);
  await s.close();
}

const SHOTS: readonly { file: string; user: { username: string; password: string }; path: string; scheme: "light" | "dark"; prepare?: (page: Page) => Promise<void>; before?: (baseUrl: string) => Promise<void> }[] = [
  { file: "store.png", user: DEMO_USERS.customer, path: "/s/noodle-bar", scheme: "light" },
  { file: "store-dark.png", user: DEMO_USERS.customer, path: "/s/noodle-bar", scheme: "dark" },
  // guest has three orders waiting at the noodle bar: /me shows a live queue, not its empty state.
  { file: "me.png", user: DEMO_USERS.guest, path: "/me", scheme: "light" },
  { file: "merchant.png", user: { username: noodle.owner, password: noodle.password }, path: "/merchant", scheme: "light" },
  { file: "operator.png", user: DEMO_USERS.operator, path: "/operator", scheme: "light" },
  // The customer's orders tab, and the preview before paying.
  { file: "orders.png", user: DEMO_USERS.guest, path: "/orders", scheme: "light" },
  { file: "preview.png", user: DEMO_USERS.customer, path: "/s/noodle-bar", scheme: "light", prepare: typeAmount },
  { file: "notifications.png", user: DEMO_USERS.guest, path: "/me/notifications", scheme: "light", before: freeGuestEntries },
];

const outDir = path.join(root, "docs", "screenshots");
fs.mkdirSync(outDir, { recursive: true });

const app = await startProductionApp();
try {
  for (const shot of SHOTS) {
    await shot.before?.(app.baseUrl);
    const s = await signedInContext(app.baseUrl, shot.user, { ...PHONE, colorScheme: shot.scheme });
    const page = await s.context.newPage();
    await page.goto(shot.path);
    await page.waitForLoadState("networkidle");
    await shot.prepare?.(page);
    const file = path.join(outDir, shot.file);
    await page.screenshot({ path: file });
    console.log(`[screenshots] ${shot.path} (${shot.scheme}) -> docs/screenshots/${shot.file} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
    await s.close();
  }
} finally {
  await app.stop();
}
