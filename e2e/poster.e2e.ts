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
