import { test as base } from "@playwright/test";
import { instrumentBrowser, instrumentContext, instrumentPage } from "./axe";

/**
 * The `test` every journey imports (playwright.config.ts refuses specs that take it from
 * @playwright/test): each page it opens, through any browser, context or page, is checked with
 * axe-core after every goto, reload and waitForURL (e2e/axe.ts).
 */
export const test = base.extend({
  browser: [async ({ browser }, use) => use(instrumentBrowser(browser)), { scope: "worker" }],
  context: async ({ context }, use) => use(instrumentContext(context)),
  page: async ({ page }, use) => use(instrumentPage(page)),
});

export { expect } from "@playwright/test";
export type { APIRequestContext, APIResponse, Browser, BrowserContext, BrowserContextOptions, Locator, Page } from "@playwright/test";
