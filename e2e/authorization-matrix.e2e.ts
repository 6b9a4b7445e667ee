import { expect, test, type APIRequestContext, type APIResponse, type Browser, type BrowserContext } from "./test";
import {
  actionUrl,
  closeDb,
  KNOWN_UNWRAPPED,
  manifestActions,
  postAction,
  routeHandlers,
  SAMPLE_FORMS,
  scalar,
  serverActions,
  writeFingerprint,
  type Method,
} from "./matrix";
import { fillApplication, login, main, openStore, orderAndPay, register, uniqueUser } from "./pages";
import { CRON_SECRET, E2E_BASE_URL } from "./test-env";

// The authorization matrix (issue 5, item 5): every route handler (app/api/**/route.ts) and every
// server action (app/**/actions.ts and the build's server-reference manifest), found in the code, for
// every actor, is allowed only where SPEC.md allows it. A route, method or action the tables below do
// not list fails the run. Forged ids (another customer's entry, another merchant's order or key) are
// refused with nothing written. Orders are placed only at the noodle bar.
test.describe.configure({ mode: "serial" });

// suspendedOwner: the owner of a store an operator has suspended (set up below); applicant: a
// customer whose store application is pending; cashierX works the tea house's till (merchant X's
// store): a customer account with store access.
const ACTORS = ["anonymous", "customerA", "customerB", "merchantX", "merchantY", "suspendedOwner", "applicant", "cashierX", "operator", "apiKeyX", "cron"] as const;
type Actor = (typeof ACTORS)[number];

/** Who may call a route method: actors, "public" (everyone), "nobody" (a signature only), or a fixed status for everyone. */
type RouteAccess = readonly Actor[] | "public" | "nobody" | { everyone: number };

const CRON: RouteAccess = ["cron"];
const API_KEY: RouteAccess = ["apiKeyX"];
const V1_405 = { everyone: 405 } as const;
const SIGNED_IN: RouteAccess = ["customerA", "customerB", "merchantX", "merchantY", "suspendedOwner", "applicant", "cashierX", "operator"];
const MERCHANTS: RouteAccess = ["merchantX", "merchantY", "suspendedOwner"];

/** The expected-access table, keyed by route path and method. Every route and method on disk must be here. */
const ROUTES: Record<string, Partial<Record<Method, RouteAccess>>> = {
  "/api/cron/expire": { GET: CRON, POST: CRON },
  "/api/cron/expire-orders": { GET: CRON, POST: CRON },
  "/api/cron/points-warnings": { GET: CRON, POST: CRON },
  "/api/cron/prune": { GET: CRON, POST: CRON },
  "/api/cron/reconcile": { GET: CRON, POST: CRON },
  "/api/cron/release": { GET: CRON, POST: CRON },
  "/api/cron/sweep": { GET: CRON, POST: CRON },
  "/api/health": { GET: "public" },
  "/api/health/live": { GET: "public" },
  "/api/health/ready": { GET: "public" },
  // A bearer METRICS_TOKEN that none of the actors has (e2e/operations.e2e.ts scrapes with it).
  "/api/metrics": { GET: "nobody" },
  "/api/me/live": { GET: SIGNED_IN },
  // Anyone signed in, for their own data only (the id comes from the session: see the forged-id case).
  "/api/me/data": { GET: SIGNED_IN },
  // A suspended store's owner keeps the console (the queue goes on): only new orders stop.
  "/api/merchant/data": { GET: MERCHANTS },
  // The owner's own store's photo (found from the session); an empty body is refused before anything is stored.
  "/api/merchant/photo": { POST: MERCHANTS, DELETE: MERCHANTS },
  // The console's live poll: a store's owner or cashier, for the store the session works at.
  "/api/merchant/live": { GET: [...MERCHANTS, "cashierX"] },
  "/api/merchant/settlement.csv": { GET: MERCHANTS },
  // The owner's own store's poster (found from the session; no store id to forge): a cashier has no poster page.
  "/api/merchant/poster": { GET: MERCHANTS },
  "/api/operator/payouts.csv": { GET: ["operator"] },
  "/api/operator/reconciliation.csv": { GET: ["operator"] },
  // Any signed-in user, for their own order only: another's order number is a 404, not a 403.
  "/api/orders/[orderNo]/freed": { GET: SIGNED_IN },
  // Authenticated by the payment provider's signature: none of the actors has it.
  "/api/payments/[provider]/webhook": { POST: "nobody" },
  "/api/queues/[id]/drain": { POST: ["operator", "cron"] },
  "/api/queues/[id]/live": { GET: "public" },
  "/api/stores/[slug]/photo": { GET: "public" },
  // Any other /api/v1 path: a problem-details 404 for everyone.
  "/api/v1/[...path]": { GET: { everyone: 404 }, POST: { everyone: 404 }, PUT: { everyone: 404 }, PATCH: { everyone: 404 }, DELETE: { everyone: 404 } },
  "/api/v1/entries/[id]": { GET: API_KEY, POST: V1_405, PUT: V1_405, PATCH: V1_405, DELETE: V1_405 },
  "/api/v1/openapi.json": { GET: "public", POST: V1_405, PUT: V1_405, PATCH: V1_405, DELETE: V1_405 },
  "/api/v1/orders": { POST: API_KEY, GET: V1_405, PUT: V1_405, PATCH: V1_405, DELETE: V1_405 },
  "/api/v1/queue": { GET: API_KEY, POST: V1_405, PUT: V1_405, PATCH: V1_405, DELETE: V1_405 },
};

/** Query strings that make an allowed call harmless (cron jobs refuse a day long past: authenticated, nothing runs). */
const HARMLESS_QUERY: Record<string, string> = {
  "/api/merchant/poster": "?format=pdf&lang=zh-CN",
  "/api/cron/expire": "?now=2000-01-01T00:00:00Z",
  "/api/cron/release": "?day=2000-01-01",
};

/** Who may call a server action, by the area of its file (SPEC.md: roles). */
function expectedActionAccess(file: string): string[] {
  if (file.startsWith("app/operator/")) return ["operator"];
  // Owner-only, or "store": the owner or a cashier (the queue, the orders, the till).
  if (file.startsWith("app/merchant/")) return ["merchant", "store"];
  // Customers' actions: any signed-in user (ownership is checked inside, see the forged-id cases).
  if (file.startsWith("app/(customer)/")) return ["any", "customer"];
  if (file.startsWith("app/(auth)/")) return ["public"];
  // Agreeing to the privacy notice: any signed-in person.
  if (file.startsWith("app/privacy/")) return ["any"];
  return [];
}

const NOT_SIGNED_IN = "请先登录";
const NOT_ALLOWED = "没有权限";

const state: {
  ctx: Partial<Record<Actor, BrowserContext>>;
  token: string;
  suspendedToken: string;
  suspendedSlug: string;
  tokenKeyId: number;
  queueId: number;
  bOrderId: number;
  bOrderNo: string;
  bEntryId: number;
  cashierStaffId: number;
  counts: { routes: number; actions: number; forged: number; origin: number };
} = { ctx: {}, token: "", suspendedToken: "", suspendedSlug: "", tokenKeyId: 0, queueId: 0, bOrderId: 0, bOrderNo: "", bEntryId: 0, cashierStaffId: 0, counts: { routes: 0, actions: 0, forged: 0, origin: 0 } };

const SESSION: Partial<Record<Actor, [string, string]>> = {
  merchantX: ["tea", "merchant-pass-2026"],
  merchantY: ["noodle", "merchant-pass-2026"],
  cashierX: ["till", "cashier-pass-2026"],
  operator: ["ops", "operator-pass-2026"],
};

/** The request context of an actor: its session cookies (if any) and its bearer header (if any). */
function requester(actor: Actor, browserCtx: BrowserContext): { req: APIRequestContext; headers: Record<string, string> } {
  const headers: Record<string, string> = { origin: E2E_BASE_URL };
  if (actor === "apiKeyX") headers.authorization = `Bearer ${state.token}`;
  if (actor === "cron") headers.authorization = `Bearer ${CRON_SECRET}`;
  return { req: (state.ctx[actor] ?? browserCtx).request, headers };
}

async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ baseURL: E2E_BASE_URL });
}

test.afterAll(async () => {
  for (const c of Object.values(state.ctx)) await c?.close();
  await closeDb();
  console.log(
    `[authorization matrix] routes: ${state.counts.routes} route×method×actor cases; actions: ${state.counts.actions} action×actor calls; forged ids: ${state.counts.forged}; cross-site (foreign or missing Origin): ${state.counts.origin}`,
  );
});

test("the route and action lists are found in the code, and every one is in the tables", () => {
  const routes = routeHandlers();
  expect(routes.map((r) => r.route)).toContain("/api/queues/[id]/drain");
  expect(routes.map((r) => r.route)).toContain("/api/v1/orders");
  for (const r of routes) {
    const table = ROUTES[r.route];
    expect(table, `${r.file}: route ${r.route} is not in the authorization matrix's ROUTES table`).toBeTruthy();
    expect(Object.keys(table!).sort(), `${r.file}: exported methods vs. the ROUTES table`).toEqual([...r.methods].sort());
  }
  for (const route of Object.keys(ROUTES)) expect(routes.map((r) => r.route), `ROUTES lists ${route}, which is not on disk`).toContain(route);

  const actions = serverActions();
  expect(actions.length).toBeGreaterThan(15);
  for (const a of actions) {
    const where = `${a.file}#${a.name}`;
    if (KNOWN_UNWRAPPED[where]) continue;
    expect(a.wrapper, `${where} is not wrapped by validatedAction (the only wrapper that checks access)`).toBe("validatedAction");
    const expected = expectedActionAccess(a.file);
    expect(expected.length, `${where}: no expected access for this area`).toBeGreaterThan(0);
    expect(expected, `${where}: access ${a.access} vs. its area`).toContain(a.access);
  }

  // The build's server actions are exactly the exports above: none declared elsewhere ("use server" inline).
  const built = manifestActions();
  const onDisk = new Set(actions.map((a) => `${a.file}#${a.name}`));
  for (const b of built) expect(onDisk.has(`${b.file}#${b.name}`), `server action ${b.file}#${b.name} is not in an app/**/actions.ts`).toBe(true);
  const builtSet = new Set(built.map((b) => `${b.file}#${b.name}`));
  for (const a of onDisk) expect(builtSet.has(a), `${a} is missing from the build's server-reference manifest`).toBe(true);
  for (const b of built) if (!KNOWN_UNWRAPPED[`${b.file}#${b.name}`]) expect(SAMPLE_FORMS[b.name], `no sample form for ${b.name}`).toBeDefined();
});

test("actors sign in; merchant X creates an API key; customer B has an order and entry at the noodle bar", async ({ browser }) => {
  // Two sign-ups, three sign-ins, a key and a paid order: on a loaded 2-core machine this alone can take a minute.
  // With the applicant's application and the suspended store (opened, keyed and suspended through
  // the consoles) this took over five minutes on a 2-core machine at a load average of 30.
  test.setTimeout(600_000);
  for (const actor of ACTORS) state.ctx[actor] = await newContext(browser);
  for (const actor of ["customerA", "customerB"] as const) {
    const page = await state.ctx[actor]!.newPage();
    await register(page, uniqueUser(actor === "customerA" ? "mxa" : "mxb"), "matrix-pass-2026", "/me");
    await page.close();
  }
  for (const [actor, cred] of Object.entries(SESSION)) {
    const page = await state.ctx[actor as Actor]!.newPage();
    await login(page, cred[0], cred[1], actor === "operator" ? "/me" : actor === "cashierX" ? "/merchant/queue" : "/merchant/api-keys");
    if (actor === "merchantX") {
      await page.getByLabel("名称").fill("矩阵收银台");
      await main(page).getByRole("button", { name: "创建密钥" }).click();
      await expect(page.getByTestId("new-api-key")).toContainText("矩阵收银台");
      state.token = await page.getByTestId("new-api-key-value").inputValue();
    }
    await page.close();
  }
  expect(state.token).toMatch(/^fl_/);
  state.tokenKeyId = Number(await scalar("select k.id from api_keys k join users u on u.id = (select owner_user_id from merchants where id = k.merchant_id) where u.username = 'tea' and k.name = '矩阵收银台' order by k.id desc limit 1"));
  state.queueId = Number(await scalar("select queue_id from merchants where slug = 'noodle-bar'"));
  state.cashierStaffId = Number(
    await scalar("select s.id from merchant_staff s join users u on u.id = s.user_id where u.username = 'till' and s.revoked_at is null"),
  );
  expect(state.cashierStaffId).toBeGreaterThan(0);
  expect(state.tokenKeyId).toBeGreaterThan(0);
  expect(state.queueId).toBeGreaterThan(0);

  // The applicant: a customer whose application waits for review.
  const applicant = await state.ctx.applicant!.newPage();
  await register(applicant, uniqueUser("mxap"), "matrix-pass-2026", "/apply");
  await fillApplication(applicant, { name: "矩阵申请店", slug: `mx-ap-${Date.now().toString(36)}` });
  await main(applicant).getByRole("button", { name: "提交申请" }).click();
  await expect(applicant.getByTestId("application-status")).toContainText("审核中");
  await applicant.close();

  // The suspended store's owner: a store of the matrix's own, opened, given an API key, then
  // suspended by the operator from the console.
  state.suspendedSlug = `mx-su-${Date.now().toString(36)}`;
  const opsPage = await state.ctx.operator!.newPage();
  const owner = await openStore(browser, opsPage, { slug: state.suspendedSlug, name: "矩阵暂停店", owner: "mxsu", password: "matrix-pass-2026" });
  await state.ctx.suspendedOwner?.close();
  state.ctx.suspendedOwner = owner.context();
  await owner.goto("/merchant/api-keys");
  await owner.getByLabel("名称").fill("暂停店收银台");
  await main(owner).getByRole("button", { name: "创建密钥" }).click();
  state.suspendedToken = await owner.getByTestId("new-api-key-value").inputValue();
  await owner.close();
  await opsPage.goto("/operator/merchants");
  const suspension = opsPage.getByTestId(`suspension-${state.suspendedSlug}`);
  await suspension.getByRole("textbox").fill("矩阵测试：资质待核");
  await suspension.getByRole("button", { name: "暂停接单" }).click();
  await expect(opsPage.getByTestId(`merchant-${state.suspendedSlug}`)).toContainText("已暂停");
  await opsPage.close();
  expect(state.suspendedToken).toMatch(/^fl_/);

  const b = await state.ctx.customerB!.newPage();
  state.bOrderNo = await orderAndPay(b, "noodle-bar", "12");
  await b.close();
  state.bOrderId = Number(await scalar("select id from orders where order_no = $1", [state.bOrderNo]));
  state.bEntryId = Number(await scalar("select id from queue_entries where order_id = $1 and status = 'waiting' order by id limit 1", [state.bOrderId]));
  expect(state.bEntryId).toBeGreaterThan(0);
});

function sampleUrl(route: string): string {
  return route
    .replace("[id]", route.includes("/entries/") ? String(state.bEntryId) : String(state.queueId))
    .replace("[provider]", "dev")
    .replace("[orderNo]", state.bOrderNo)
    .replace("[slug]", "tea-house")
    .replace("[...path]", "no/such/endpoint") + (HARMLESS_QUERY[route] ?? "");
}

async function call(req: APIRequestContext, method: Method, url: string, headers: Record<string, string>): Promise<APIResponse> {
  if (method === "GET") return req.get(url, { headers, maxRedirects: 0 });
  return req.fetch(url, { method, headers: { ...headers, "content-type": "application/json" }, data: "{}", maxRedirects: 0 });
}

test("every route handler × method × actor: allowed where SPEC allows, 401/403 elsewhere", async ({ browser }) => {
  // 90 s: the owners' calls to /api/merchant/poster each render a PDF (font slices decoded on the first).
  test.setTimeout(90_000);
  const spare = await newContext(browser);
  const failures: string[] = [];
  for (const { route, methods } of routeHandlers()) {
    for (const method of methods) {
      const access = ROUTES[route]![method]!;
      for (const actor of ACTORS) {
        const { req, headers } = requester(actor, spare);
        const res = await call(req, method, sampleUrl(route), headers);
        const status = res.status();
        state.counts.routes++;
        const where = `${actor} ${method} ${route} → ${status}`;
        if (status >= 500) failures.push(`${where}: server error`);
        else if (typeof access === "object" && "everyone" in access) {
          if (status !== access.everyone) failures.push(`${where}: expected ${access.everyone}`);
        } else {
          const allowed = access === "public" || (access !== "nobody" && (access as readonly Actor[]).includes(actor));
          if (allowed && (status === 401 || status === 403)) failures.push(`${where}: should be allowed`);
          if (!allowed && actor === "anonymous" && status !== 401) failures.push(`${where}: expected 401`);
          if (!allowed && actor !== "anonymous" && status !== 401 && status !== 403) failures.push(`${where}: expected 401 or 403`);
        }
      }
    }
  }
  await spare.close();
  expect(failures, failures.join("\n")).toEqual([]);
});

/** Posts a server action the way React does: Next-Action header, the reply's args [prevState, FormData]. */
async function callAction(actor: Actor, id: string, url: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
  return callActionWith(actor, id, url, form, { origin: E2E_BASE_URL });
}

/** callAction with the Origin header of the caller's choosing (`{}`: none at all). */
async function callActionWith(
  actor: Actor,
  id: string,
  url: string,
  form: Record<string, string>,
  origin: Record<string, string>,
  opts: { noCookie?: boolean } = {},
): Promise<{ status: number; body: string }> {
  const { req, headers: base } = requester(actor, state.ctx.anonymous!);
  const { origin: _own, ...rest } = base;
  const headers: Record<string, string> = { ...rest, ...origin };
  // Actors without a session carry a forged session cookie: proxy.ts would otherwise redirect them to
  // /login before the action runs, and the action's own check must hold on its own. (The __Secure- name
  // passes proxy.ts; on http Auth.js reads the plain name, so the viewer is nobody, without decode errors.)
  if (actorRole(actor) === "anonymous" && !opts.noCookie) headers.cookie = "__Secure-authjs.session-token=forged";
  return postAction(req, id, url, form, headers);
}

function actorRole(actor: Actor): "anonymous" | "customer" | "cashier" | "merchant" | "operator" {
  if (actor.startsWith("customer")) return "customer";
  if (actor.startsWith("cashier")) return "cashier";
  if (actor.startsWith("merchant") || actor === "suspendedOwner") return "merchant";
  if (actor === "applicant") return "customer";
  if (actor === "operator") return "operator";
  return "anonymous"; // API key and cron secret carry no session: actions treat them as nobody.
}

test("every server action × actor: refused (nothing written) unless its access allows the actor", async () => {
  test.setTimeout(240_000); // eleven actors × every action, one call each
  const declared = new Map(serverActions().map((a) => [`${a.file}#${a.name}`, a.access]));
  const before = await writeFingerprint();
  const failures: string[] = [];
  for (const a of manifestActions()) {
    if (KNOWN_UNWRAPPED[`${a.file}#${a.name}`]) continue; // logout would end the caller's session; see KNOWN_UNWRAPPED
    const access = declared.get(`${a.file}#${a.name}`) ?? "";
    const url = actionUrl(a.workers);
    for (const actor of ACTORS) {
      const role = actorRole(actor);
      const allowed =
        access === "public" ||
        (access === "any" ? role !== "anonymous" : access === "store" ? role === "merchant" || role === "cashier" : access.split("|").includes(role));
      // An allowed action whose schema accepts an empty form would really run: its access is checked statically above.
      // (The profile form's fields are all optional: an empty one would clear the store's profile.)
      if (allowed && ["runAllPayoutsAction", "runLedgerCheckAction", "updateProfileAction", "createStaffInviteAction"].includes(a.name)) continue;
      const { status, body } = await callAction(actor, a.id, url, allowed ? {} : SAMPLE_FORMS[a.name] ?? {});
      state.counts.actions++;
      const where = `${actor} → ${a.file}#${a.name} via ${url} (${status}): ${body.slice(0, 300)}`;
      if (status >= 500) failures.push(`${where}: server error`);
      const refused = body.includes(NOT_SIGNED_IN) || body.includes(NOT_ALLOWED);
      if (allowed && refused) failures.push(`${where}: should be allowed`);
      if (!allowed && role === "anonymous" && !body.includes(NOT_SIGNED_IN)) failures.push(`${where}: expected "${NOT_SIGNED_IN}"`);
      if (!allowed && role !== "anonymous" && !body.includes(NOT_ALLOWED)) failures.push(`${where}: expected "${NOT_ALLOWED}"`);
    }
  }
  expect(failures, failures.join("\n\n")).toEqual([]);
  expect(await writeFingerprint(), "refused and invalid action calls wrote nothing").toEqual(before);
});

test("forged ids: another customer's entry, another merchant's order and key are refused, nothing written", async ({ request }) => {
  const byName = new Map(manifestActions().map((a) => [a.name, a]));
  const act = async (actor: Actor, name: string, form: Record<string, string>) => {
    const a = byName.get(name)!;
    state.counts.forged++;
    const res = await callAction(actor, a.id, actionUrl(a.workers), form);
    // The forged form is valid: a refusal must come from the access or ownership check, not validation.
    expect(res.body, `${actor} ${name}: the form must pass validation`).not.toContain("请检查填写的内容");
    expect(res.status, `${actor} ${name}`).toBeLessThan(500);
    return res;
  };
  const before = await writeFingerprint();
  const entry = String(state.bEntryId);

  // Customer A quotes and leaves customer B's entry.
  const quote = await act("customerA", "quoteExitAction", { entryId: entry });
  expect(quote.body).toContain('"ok":false');
  for (const expectedPoints of ["0", "100", "120"]) {
    const leave = await act("customerA", "leaveQueueAction", { entryId: entry, expectedPoints });
    expect(leave.body, "A leaving B's entry").toContain('"ok":false');
  }
  expect(await scalar("select status from queue_entries where id = $1", [state.bEntryId])).toBe("waiting");
  // Customer A confirms the payment of customer B's order: not A's order, so not found (no redirect to it).
  const confirm = await act("customerA", "confirmPaymentAction", { orderNo: state.bOrderNo });
  expect(confirm.body, "A confirming B's order").toContain("订单不存在");
  // … and cancels it, or starts paying it: refused the same way.
  expect((await act("customerA", "cancelOrderAction", { orderNo: state.bOrderNo })).body, "A cancelling B's order").toContain("订单不存在");
  expect((await act("customerA", "startPaymentAction", { orderNo: state.bOrderNo, provider: "wechat" })).body).toContain('"ok":false');

  // Merchant X (tea house) refunds merchant Y's (noodle bar) order; a customer and the operator's wrong action too.
  const refund = await act("merchantX", "merchantRefundAction", { orderId: String(state.bOrderId), reason: "forged" });
  expect(refund.body, "X refunding Y's order").toContain('"ok":false');
  // … and asks what refunding it would do: refused as not found, so nothing of it is told.
  const check = await act("merchantX", "checkRefundAction", { orderId: String(state.bOrderId) });
  expect(check.body, "X checking Y's order").toContain('"ok":false');
  expect(check.body).not.toContain("cashFen");
  for (const actor of ["customerA", "customerB"] as const) {
    expect((await act(actor, "merchantRefundAction", { orderId: String(state.bOrderId) })).body).toContain(NOT_ALLOWED);
    expect((await act(actor, "operatorRefundAction", { orderId: String(state.bOrderId) })).body).toContain(NOT_ALLOWED);
  }
  expect((await act("merchantY", "operatorRefundAction", { orderId: String(state.bOrderId) })).body).toContain(NOT_ALLOWED);
  expect(await scalar("select status from orders where id = $1", [state.bOrderId])).toBe("paid");

  // Cashier X works merchant X's till, but refunds, keys, rules, staff and the store's data are the owner's.
  expect((await act("cashierX", "merchantRefundAction", { orderId: String(state.bOrderId) })).body).toContain(NOT_ALLOWED);
  for (const [name, form] of [
    ["createApiKeyAction", { name: "forged" }],
    ["revokeApiKeyAction", { keyId: String(state.tokenKeyId) }],
    ["changeRulesAction", { rebateBps: "5000" }],
    ["createStaffInviteAction", {}],
    ["revokeStaffAction", { staffId: String(state.cashierStaffId) }],
    ["closeStoreAction", { slug: "tea-house" }],
    ["setNewOrderRingAction", { ring: "on" }],
  ] as const) {
    expect((await act("cashierX", name, form)).body, `cashier ${name}`).toContain(NOT_ALLOWED);
  }
  // The ring for new orders is the owner's to set: the cashier's try left it off.
  expect(await scalar("select ring_new_orders from merchants where slug = 'tea-house'")).toBe(false);
  expect((await state.ctx.cashierX!.request.get("/api/merchant/data?file=json", { maxRedirects: 0 })).status()).toBe(403);
  // Merchant Y cannot revoke merchant X's cashier; the cashier still works X's till.
  expect((await act("merchantY", "revokeStaffAction", { staffId: String(state.cashierStaffId) })).body).toContain('"ok":false');
  expect(await scalar("select revoked_at from merchant_staff where id = $1", [state.cashierStaffId])).toBeNull();

  // Merchant Y revokes merchant X's API key; customers create keys and change rules.
  expect((await act("merchantY", "revokeApiKeyAction", { keyId: String(state.tokenKeyId) })).body, "Y revoking X's key").toContain('"ok":false');
  expect(await scalar("select revoked_at from api_keys where id = $1", [state.tokenKeyId])).toBeNull();
  for (const actor of ["customerA", "anonymous", "apiKeyX", "cron"] as const) {
    const who = actorRole(actor) === "anonymous" ? NOT_SIGNED_IN : NOT_ALLOWED;
    expect((await act(actor, "createApiKeyAction", { name: "forged" })).body).toContain(who);
    expect((await act(actor, "revokeApiKeyAction", { keyId: String(state.tokenKeyId) })).body).toContain(who);
    expect((await act(actor, "changeRulesAction", { rebateBps: "5000" })).body).toContain(who);
  }
  // The key still works, for its own store only: Y's entry is not X's to read.
  const queue = await request.get("/api/v1/queue", { headers: { authorization: `Bearer ${state.token}` } });
  expect(queue.status()).toBe(200);
  const other = await request.get(`/api/v1/entries/${state.bEntryId}`, { headers: { authorization: `Bearer ${state.token}` } });
  expect(other.status()).toBe(404);

  expect(await writeFingerprint(), "forged calls wrote nothing").toEqual(before);

  // Personal data: no request names whose data it is. A's download is A's own whatever the query says,
  // and A cannot delete B's account (nor A's own without A's password).
  const bUserId = Number(await scalar("select customer_id from orders where id = $1", [state.bOrderId]));
  const aData = await state.ctx.customerA!.request.get(`/api/me/data?file=json&userId=${bUserId}`);
  expect(aData.status()).toBe(200);
  const mine = (await aData.json()) as { profile: { id: string | number }; orders: { order_no: string }[] };
  expect(Number(mine.profile.id)).not.toBe(bUserId);
  expect(mine.orders.map((o) => o.order_no)).not.toContain(state.bOrderNo);
  const aCsv = await (await state.ctx.customerA!.request.get(`/api/me/data?file=orders&userId=${bUserId}`)).text();
  expect(aCsv).not.toContain(state.bOrderNo);
  const del = await act("customerA", "deleteAccountAction", { password: "not-b-nor-a-2026", forfeit: "on", userId: String(bUserId) });
  expect(del.body).toContain('"ok":false');
  expect(await scalar("select count(*)::int from users where deleted_at is not null and id = $1", [bUserId])).toBe(0);
  // A merchant's store export is their own store's: X (tea house) never gets Y's (noodle bar) orders.
  const xStore = await (await state.ctx.merchantX!.request.get("/api/merchant/data?file=orders&merchantId=2")).text();
  expect(xStore).not.toContain(state.bOrderNo);

  // Customer B can still leave their own entry (the refusals above were about ownership, not breakage).
  const own = await act("customerB", "quoteExitAction", { entryId: entry });
  expect(own.body).toContain('"ok":true');
});

test("the suspended store's owner keeps the console but takes no orders; the applicant has no console", async ({ request }) => {
  const byName = new Map(manifestActions().map((a) => [a.name, a]));
  const before = await writeFingerprint();
  const owner = state.ctx.suspendedOwner!.request;
  for (const path of ["/merchant", "/merchant/queue", "/merchant/orders", "/merchant/profile"]) {
    expect((await owner.get(path, { maxRedirects: 0 })).status(), `suspended owner ${path}`).toBe(200);
  }
  // The POS: reading the queue still works; a new order is refused with the reason.
  const pos = { authorization: `Bearer ${state.suspendedToken}` };
  expect((await request.get("/api/v1/queue", { headers: pos })).status()).toBe(200);
  const customerName = await scalar("select username from users where id = (select customer_id from orders where id = $1)", [state.bOrderId]);
  const refused = await request.post("/api/v1/orders", {
    headers: { ...pos, "idempotency-key": `mx-suspended-${Date.now()}`, "content-type": "application/json" },
    data: { customer: customerName, amount_fen: 1200 },
  });
  expect(refused.status()).toBe(422);
  expect(await refused.text()).toContain("暂停接单");
  // A customer ordering in the browser: refused with the same reason.
  const order = byName.get("createOrderAction")!;
  const res = await callAction("customerA", order.id, actionUrl(order.workers), {
    slug: state.suspendedSlug,
    amount: "12",
    idempotencyKey: `mx-suspended-${Date.now()}`,
  });
  expect(res.body).toContain("暂停接单");
  // The store page stays up, with the public notice and no order form.
  const page = await request.get(`/s/${state.suspendedSlug}`);
  expect(page.status()).toBe(200);
  const html = await page.text();
  expect(html).toContain("矩阵测试：资质待核");
  expect(html).not.toContain('name="amount"');

  // The applicant: no merchant console and no operator console; a second application is refused.
  const applicant = state.ctx.applicant!.request;
  expect((await applicant.get("/merchant", { maxRedirects: 0 })).status()).toBe(403);
  expect((await applicant.get("/operator/merchants", { maxRedirects: 0 })).status()).toBe(403);
  const apply = byName.get("applyForStoreAction")!;
  const again = await callAction("applicant", apply.id, actionUrl(apply.workers), SAMPLE_FORMS.applyForStoreAction!);
  expect(again.body).toContain("正在审核中");
  expect(await writeFingerprint(), "refused orders and applications wrote nothing").toEqual(before);
});

test("cookie-authenticated writes from another site, or with no Origin, get 403; bearer credentials are exempt", async () => {
  test.setTimeout(60_000);
  const before = await writeFingerprint();
  const failures: string[] = [];
  const EVIL = "https://evil.example";
  const variants: [string, Record<string, string>][] = [
    ["foreign Origin", { origin: EVIL }],
    ["no Origin", {}],
    // A script names the other site as the forwarded host too, so Origin and X-Forwarded-Host agree
    // (pages and route handlers once took that pair as same-site): only PUBLIC_URL says which site this is.
    ["foreign Origin with a forged X-Forwarded-Host", { origin: EVIL, "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" }],
  ];
  // Route handlers: every state-changing method, for every session actor it would otherwise allow.
  for (const { route, methods } of routeHandlers()) {
    for (const method of methods.filter((m) => m !== "GET")) {
      const access = ROUTES[route]![method]!;
      if (!Array.isArray(access)) continue;
      for (const actor of access as readonly Actor[]) {
        const { req, headers } = requester(actor, state.ctx.anonymous!);
        for (const [label, origin] of variants) {
          const { origin: _own, ...rest } = headers;
          const res = await call(req, method, sampleUrl(route), { ...rest, ...origin });
          state.counts.origin++;
          const body = await res.text();
          const bearer = actor === "apiKeyX" || actor === "cron";
          const where = `${actor} ${method} ${route} with ${label} → ${res.status()}: ${body.slice(0, 200)}`;
          if (bearer && res.status() === 403) failures.push(`${where}: a bearer credential must not need an Origin`);
          if (!bearer && (res.status() !== 403 || !body.includes("cross-site request refused"))) failures.push(`${where}: expected 403 cross-site`);
        }
      }
    }
  }
  // Server actions: a signed-in actor's action call from another site or without Origin stops in proxy.ts.
  for (const a of manifestActions()) {
    const url = actionUrl(a.workers);
    for (const actor of ["customerA", "merchantX", "operator"] as const) {
      for (const [label, origin] of variants) {
        const { status, body } = await callActionWith(actor, a.id, url, SAMPLE_FORMS[a.name] ?? {}, origin);
        state.counts.origin++;
        if (status !== 403 || !body.includes("cross-site request refused")) {
          failures.push(`${actor} → ${a.file}#${a.name} with ${label} (${status}): ${body.slice(0, 200)}: expected 403 cross-site`);
        }
      }
    }
  }
  // Signing in from another site is refused too (login CSRF), with or without a session.
  const login = manifestActions().find((a) => a.name === "login")!;
  for (const [label, origin] of variants.filter(([l]) => l !== "no Origin")) {
    const anon = await callActionWith("anonymous", login.id, "/login", { identifier: "demo", password: "demo-pass-2026" }, origin, { noCookie: true });
    state.counts.origin++;
    if (anon.status !== 403) failures.push(`anonymous login with ${label} (${anon.status}): expected 403`);
  }

  expect(failures, failures.join("\n")).toEqual([]);
  expect(await writeFingerprint(), "cross-site calls wrote nothing").toEqual(before);
});
