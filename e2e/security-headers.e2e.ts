import { expect, test, type Page } from "./test";
import { closeDb, manifestActions, postAction } from "./matrix";
import { login, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

test.afterAll(closeDb);

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
    // This site's own pages may ask for the location (the home page's nearby stores); no frame may.
    expect(h["permissions-policy"]).toContain("geolocation=(self)");
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

test("a forged X-Forwarded-Host never takes a sign-in or a sign-out off this site, nor makes another site's write pass", async ({ browser }) => {
  const FORGED = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" };
  const ORIGIN = new URL(E2E_BASE_URL).origin;
  const offSite = (location: string | undefined) => location !== undefined && !location.startsWith("/") && !location.startsWith(`${ORIGIN}/`);
  const actions = manifestActions();
  const logoutAction = actions.find((a) => a.name === "logout")!;
  const loginAction = actions.find((a) => a.name === "login")!;
  const user = uniqueUser("xfh");
  const page = await (await browser.newContext()).newPage();
  await register(page, user, "forwarded-host-pass-2026", "/me");

  // Signing out as a browser without JavaScript does (a form post naming the action), once with
  // the other site's Origin to match the forged host, once from this site.
  const signOut = (origin: string) =>
    // Posted to /me, where the sign-out form is (it left the top bar for a confirmation on /me).
    page.request.post("/me", { headers: { origin, ...FORGED }, multipart: { [`$ACTION_ID_${logoutAction.id}`]: "" }, maxRedirects: 0 });
  const forgedPair = await signOut("http://evil.example");
  expect(forgedPair.status(), `forged pair → ${forgedPair.headers().location ?? ""}`).toBe(403);
  expect(await forgedPair.text()).toContain("cross-site request refused");
  expect((await page.request.get("/me", { maxRedirects: 0 })).status(), "still signed in").toBe(200);

  const own = await signOut(ORIGIN);
  expect(own.status(), await own.text()).toBe(303);
  const location = own.headers().location;
  expect(offSite(location), `sign-out went to ${location}`).toBe(false);
  expect((await page.request.get("/me", { maxRedirects: 0 })).status(), "signed out").toBe(307);

  // Signing in: the other site's pair is refused; from this site the redirect stays here.
  const refused = await postAction(page.request, loginAction.id, "/login", { identifier: user, password: "forwarded-host-pass-2026", next: "/me" }, { origin: "http://evil.example", ...FORGED });
  expect(refused.status).toBe(403);
  const signedIn = await postAction(page.request, loginAction.id, "/login", { identifier: user, password: "forwarded-host-pass-2026", next: "/me" }, { origin: ORIGIN, ...FORGED });
  const redirect = signedIn.headers["x-action-redirect"]?.split(";")[0];
  expect(redirect, `sign-in: ${signedIn.status} ${signedIn.body.slice(0, 200)}`).toBeTruthy();
  expect(offSite(redirect), `sign-in went to ${redirect}`).toBe(false);
  expect((await page.request.get("/me", { maxRedirects: 0 })).status(), "signed in").toBe(200);
  await page.context().close();
});
