import fs from "node:fs";
import jsQR from "jsqr";
import { PDFDocument, PDFName } from "pdf-lib";
import sharp from "sharp";
import type { Page } from "@playwright/test";
import { checkA11y } from "./axe";
import { expect, test } from "./test";
import { login } from "./pages";
import { E2E_BASE_URL } from "./test-env";

/** Pages in a PDF that Chromium printed: each page object has `/Type /Page` (the tree is `/Pages`). */
function pdfPages(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0;
}

// The merchant's QR poster prints alone on one sheet of A4 or of A5, with the store's name, the QR
// code and the one-line rule, and none of the console around it.
test("the QR poster prints on exactly one A4 page and one A5 page", async ({ page }) => {
  await login(page, "tea", "merchant-pass-2026", "/merchant");
  await page.goto("/merchant/poster");
  const poster = page.getByTestId("poster");
  await expect(poster.getByRole("heading", { name: "清风茶舍" })).toBeVisible();
  await expect(poster.getByRole("img", { name: /清风茶舍.*\/s\/tea-house/ }).locator("svg path").first()).toBeAttached();
  await expect(poster.getByText("每笔订单让利")).toBeVisible();

  await page.emulateMedia({ media: "print" });
  // Printed, the console's navigation and the print button are hidden; the poster stays.
  await expect(page.getByRole("button", { name: "打印海报" })).toBeHidden();
  await expect(poster).toBeVisible();
  for (const format of ["A4", "A5"] as const) {
    const pdf = await page.pdf({ format, printBackground: true });
    expect(pdfPages(pdf), `${format}: pages`).toBe(1);
  }
  await page.emulateMedia({ media: null });
});

test("the poster encodes PUBLIC_URL, never the request's host, and warns when that address is local", async ({ page }) => {
  await login(page, "tea", "merchant-pass-2026", "/merchant");
  // A proxy (or anyone) naming another host changes nothing on the poster.
  await page.setExtraHTTPHeaders({ "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" });
  await page.goto("/merchant/poster");
  const poster = page.getByTestId("poster");
  await expect(poster).toContainText(`${E2E_BASE_URL}/s/tea-house`);
  await expect(poster).not.toContainText("evil.example");
  await expect(poster.getByRole("img", { name: new RegExp(`${E2E_BASE_URL.replace(/[.]/g, "\\.")}/s/tea-house`) })).toBeVisible();
  // The test server's PUBLIC_URL is localhost: the console says customers' phones cannot open it.
  await expect(page.getByTestId("poster-local-warning")).toContainText("PUBLIC_URL");
  await expect(page.getByTestId("poster-local-warning")).toContainText(E2E_BASE_URL);
});

/** Picks the poster's language and clicks one download button: the file the browser saved, and its name. */
async function download(page: Page, lang: "中文" | "English", button: RegExp): Promise<{ name: string; body: Buffer }> {
  const form = page.getByTestId("poster-download");
  await form.getByRole("combobox").selectOption({ label: lang });
  const [file] = await Promise.all([page.waitForEvent("download"), form.getByRole("button", { name: button }).click()]);
  return { name: file.suggestedFilename(), body: fs.readFileSync((await file.path())!) };
}

async function qrText(png: Buffer): Promise<string | null> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height)?.data ?? null;
}

// The poster as files, in a language picked for the poster and not the console's: an English
// console downloads the Chinese poster and the English one, as PNG and as PDF.
test("the poster downloads as PNG and as PDF, in the language picked for it", async ({ page }) => {
  test.setTimeout(120_000);
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: "en", url: E2E_BASE_URL }]);
  await login(page, "tea", "merchant-pass-2026", "/merchant");
  await page.goto("/merchant/poster");
  const form = page.getByTestId("poster-download");
  await expect(page.getByRole("heading", { name: "Download the poster" })).toBeVisible();
  // The console's language is where the choice starts.
  await expect(form.getByRole("combobox", { name: "Poster language" })).toHaveValue("en");
  await checkA11y(page);
  await checkA11y(page, "dark");

  const storeUrl = `${E2E_BASE_URL}/s/tea-house`;
  const seen: Record<string, Buffer> = {};
  for (const [label, lang, cta] of [["中文", "zh-CN", "扫码点单"], ["English", "en", "Scan to order"]] as const) {
    const png = await download(page, label, /PNG/);
    expect(png.name).toBe(`freeline-poster-tea-house-${lang}.png`);
    expect(png.body.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.body.length).toBeGreaterThan(10_000);
    expect(png.body.length).toBeLessThan(1_000_000);
    const meta = await sharp(png.body).metadata();
    expect([meta.width, meta.height]).toEqual([1240, 1754]);
    // A phone scanning it opens the store page at PUBLIC_URL.
    expect(await qrText(png.body)).toBe(storeUrl);
    seen[lang] = png.body;

    const pdf = await download(page, label, /PDF/);
    expect(pdf.name).toBe(`freeline-poster-tea-house-${lang}.pdf`);
    expect(pdf.body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.body.length).toBeLessThan(300_000);
    const doc = await PDFDocument.load(pdf.body, { updateMetadata: false });
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe("清风茶舍");
    expect(doc.getSubject()).toContain(cta);
    expect(doc.getSubject()).toContain(storeUrl);
    expect(doc.catalog.get(PDFName.of("Lang"))?.toString()).toContain(lang);
  }
  // The two languages are two different posters.
  expect(seen["zh-CN"]!.equals(seen.en!)).toBe(false);
  // Picking the language did not change the console's.
  await expect(page.getByRole("heading", { name: "Download the poster" })).toBeVisible();

  // The answers say what they are, and a bad choice is a clear 400.
  const png = await page.request.get("/api/merchant/poster?format=png&lang=zh-CN");
  expect(png.headers()["content-type"]).toBe("image/png");
  expect(png.headers()["content-disposition"]).toContain("attachment");
  const pdf = await page.request.get("/api/merchant/poster?format=pdf&lang=en");
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  const bad = await page.request.get("/api/merchant/poster?format=svg&lang=fr");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain("PNG");
});

// Another store's owner gets their own store's poster, whatever the query names: the store comes from
// the session, and a store in the query is refused. (Anonymous and cashier: the authorization matrix.)
test("another merchant cannot download this store's poster", async ({ page }) => {
  await login(page, "noodle", "merchant-pass-2026", "/merchant");
  const own = await page.request.get("/api/merchant/poster?format=pdf&lang=zh-CN");
  expect(own.status()).toBe(200);
  const doc = await PDFDocument.load(await own.body(), { updateMetadata: false });
  expect(doc.getTitle()).not.toBe("清风茶舍");
  expect(doc.getSubject()).not.toContain("/s/tea-house");
  for (const forged of ["slug=tea-house", "merchantId=1", "store=tea-house"]) {
    expect((await page.request.get(`/api/merchant/poster?format=pdf&lang=zh-CN&${forged}`)).status(), forged).toBe(400);
  }
});
