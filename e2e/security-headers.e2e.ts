import { expect, test, type Page } from "./test";
import { login } from "./pages";

// Strict CSP with per-request nonces (proxy.ts, lib/http/security-headers.ts): every main page must
// load and run with no CSP violation, or a script or style of ours has gone missing its nonce.

/** Collects CSP violations on a page: console errors and the securitypolicyviolation event. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content.Security.Policy|Refused to (load|execute|apply)/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Content-Security-Policy violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  return violations;
}

async function visit(page: Page, path: string): Promise<void> {
  const res = await page.goto(path);
  expect(res?.status(), path).toBeLessThan(400);
  // Hydrated: React has attached (a client component answers), so every script ran.
  await page.waitForLoadState("networkidle");
}

test("pages carry a nonce-based CSP and the other security headers, a fresh nonce each time", async ({ request }) => {
  const a = await request.get("/");
  const b = await request.get("/");
  const csp = a.headers()["content-security-policy"]!;
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) expect(csp).toContain(d);
  // Neither inline scripts nor inline style attributes: the progress bars are <progress> elements.
  expect(csp).not.toContain("unsafe-inline");
  const nonce = (h: string) => /'nonce-([^']+)'/.exec(h)![1];
  expect(nonce(b.headers()["content-security-policy"]!)).not.toBe(nonce(csp));
  // The page's scripts carry this response's nonce.
  expect(await a.text()).toContain(`nonce="${nonce(csp)}"`);
  for (const res of [a, await request.get("/api/health")]) {
    const h = res.headers();
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["permissions-policy"]).toContain("camera=()");
    expect(h["cross-origin-opener-policy"]).toBe("same-origin");
    expect(h["strict-transport-security"]).toMatch(/max-age=\d+/); // the e2e server runs in production mode
  }
});

test("the main pages run with no CSP violation, signed out and in every role", async ({ browser }) => {
  test.setTimeout(120_000);
  const visits: [null | [string, string], string[]][] = [
    [null, ["/", "/login", "/register", "/rules", "/s/tea-house", "/s/tea-house/rules"]],
    [["demo", "demo-pass-2026"], ["/me", "/me/points", "/me/wallet", "/apply"]],
    // A customer with waiting entries: /me draws their progress bars, the store page its pool gauge.
    [["guest", "guest-pass-2026"], ["/me", "/s/noodle-bar"]],
    [["tea", "merchant-pass-2026"], ["/merchant", "/merchant/queue", "/merchant/orders", "/merchant/settings", "/merchant/poster", "/merchant/api-keys"]],
    [["ops", "operator-pass-2026"], ["/operator", "/operator/payouts", "/operator/merchants", "/operator/ledger", "/operator/withdrawals", "/operator/audit"]],
  ];
  for (const [who, paths] of visits) {
    const page = await (await browser.newContext()).newPage();
    const violations = await watchCsp(page);
    if (who) await login(page, who[0], who[1], paths[0]!);
    for (const path of paths) await visit(page, path);
    expect(violations, `${who?.[0] ?? "anonymous"}: ${violations.join("\n")}`).toEqual([]);
    await page.context().close();
  }
});
