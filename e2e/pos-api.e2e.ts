import { randomUUID } from "node:crypto";
import { expect, test, type APIResponse, type Page } from "./test";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { login, main, register } from "./pages";

// The POS API journey: a merchant creates keys in the console, then a "POS" (Playwright's request
// context, with no cookies) calls /api/v1. Every real response body is checked against the schemas
// of the served OpenAPI document. It uses the noodle bar and a customer of its own: the tea house
// and the book cafe stay empty for the other journeys.
test.describe.configure({ mode: "serial" });

const MERCHANT = ["noodle", "merchant-pass-2026"] as const;
const OTHER_MERCHANT = ["tea", "merchant-pass-2026"] as const;

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

async function createKey(page: Page, name: string): Promise<string> {
  await page.getByLabel("名称").fill(name);
  await main(page).getByRole("button", { name: "创建密钥" }).click();
  const created = page.getByTestId("new-api-key");
  await expect(created).toContainText(`已创建密钥「${name}」`);
  await expect(created).toContainText("只显示这一次");
  const token = await page.getByTestId("new-api-key-value").inputValue();
  expect(token).toMatch(/^fl_[0-9A-Za-z]{8}_[0-9A-Za-z]{40}$/);
  return token;
}

function rowOf(page: Page, name: string) {
  return page.getByTestId("api-keys").locator("tbody tr").filter({ hasText: name });
}

test("a POS system records orders and reads the queue with a store API key", async ({ browser, request }) => {
  const schemas: Record<string, Validate> = {};
  const expectSchema = (name: string, body: unknown) => {
    const validate = schemas[name]!;
    expect(validate(body), `${name}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`).toBe(true);
  };
  async function expectProblem(res: APIResponse, status: number, code: string): Promise<Record<string, unknown>> {
    expect(res.status()).toBe(status);
    expect(res.headers()["content-type"]).toContain("application/problem+json");
    const body = (await res.json()) as Record<string, unknown>;
    expectSchema("Problem", body);
    expect(body).toMatchObject({ status, code, type: `urn:freeline:problem:${code}` });
    return body;
  }

  await test.step("the OpenAPI document is public and its schemas compile", async () => {
    const res = await request.get("/api/v1/openapi.json");
    expect(res.status()).toBe(200);
    const doc = (await res.json()) as { openapi: string; components: { schemas: Record<string, unknown>; securitySchemes: unknown } };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes).toMatchObject({ apiKey: { type: "http", scheme: "bearer" } });
    const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    // The document's top-level members are not JSON Schema keywords; its schemas are reached by $ref.
    for (const k of ["openapi", "info", "servers", "security", "tags", "paths", "components"]) ajv.addKeyword(k);
    ajv.addSchema({ ...doc, $id: "https://freeline.test/openapi.json" });
    for (const name of ["Order", "Queue", "Entry", "Problem"]) {
      const validate = ajv.getSchema(`https://freeline.test/openapi.json#/components/schemas/${name}`);
      expect(validate, name).toBeTruthy();
      schemas[name] = validate as Validate;
    }
  });

  // A customer of our own, registered by phone number, so the POS finds them by phone.
  const phone = `139${String(Date.now() % 100_000_000).padStart(8, "0")}`;
  await test.step("a customer registers with a phone number", async () => {
    const customer = await browser.newPage();
    await register(customer, phone, "journey-pass-2026", "/me");
    await customer.close();
  });

  const merchant = await browser.newPage();
  let token = "";
  await test.step("the merchant creates two keys in the console and revokes one", async () => {
    await login(merchant, MERCHANT[0], MERCHANT[1], "/merchant/api-keys");
    await expect(main(merchant).getByRole("heading", { name: "POS 接口" })).toBeVisible();
    token = await createKey(merchant, "一号收银台");
    const spare = await createKey(merchant, "旧收银机");
    await expect(rowOf(merchant, "一号收银台")).toContainText("启用中");
    await expect(rowOf(merchant, "一号收银台")).toContainText(`fl_${token.slice(3, 11)}_…`);
    // The list never shows a secret.
    await expect(main(merchant).getByTestId("api-keys")).not.toContainText(token.slice(12));

    const row = rowOf(merchant, "旧收银机");
    await row.getByRole("button", { name: "撤销" }).click();
    await expect(row).toContainText("使用它的 POS 将立即无法调用");
    await row.getByRole("button", { name: "确认撤销" }).click();
    await expect(rowOf(merchant, "旧收银机")).toContainText("已撤销");
    await expect(rowOf(merchant, "一号收银台")).toContainText("启用中");

    // The revoked key is refused from now on.
    const refused = await request.get("/api/v1/queue", { headers: { authorization: `Bearer ${spare}` } });
    await expectProblem(refused, 401, "unauthenticated");
  });

  const auth = () => ({ authorization: `Bearer ${token}` });

  await test.step("no key, a malformed key or a wrong secret: 401 problem", async () => {
    const none = await request.get("/api/v1/queue");
    await expectProblem(none, 401, "unauthenticated");
    expect(none.headers()["www-authenticate"]).toBe("Bearer");
    await expectProblem(await request.get("/api/v1/queue", { headers: { authorization: "Bearer nope" } }), 401, "unauthenticated");
    const wrong = `${token.slice(0, -4)}${token.endsWith("aaaa") ? "bbbb" : "aaaa"}`;
    await expectProblem(await request.get("/api/v1/queue", { headers: { authorization: `Bearer ${wrong}` } }), 401, "unauthenticated");
    await expectProblem(await request.post("/api/v1/orders", { data: { customer: phone, amount_fen: 100 } }), 401, "unauthenticated");
  });

  const idempotencyKey = randomUUID();
  const body = { customer: phone, amount_fen: 12_345, pos_ref: "E2E-0001" };
  let created: { order_no: string; entries: { id: number; position: number; target_fen: number }[]; points_earned: number } | undefined;

  await test.step("an order needs an Idempotency-Key and a valid body", async () => {
    const noKey = await request.post("/api/v1/orders", { headers: auth(), data: body });
    await expectProblem(noKey, 400, "idempotency_key_required");
    const yuan = await request.post("/api/v1/orders", {
      headers: { ...auth(), "idempotency-key": randomUUID() },
      data: { customer: phone, amount: "123.45" },
    });
    const problem = await expectProblem(yuan, 400, "invalid_input");
    expect(Array.isArray(problem.errors)).toBe(true);
    const stranger = await request.post("/api/v1/orders", {
      headers: { ...auth(), "idempotency-key": randomUUID() },
      data: { customer: "13000000000", amount_fen: 1000 },
    });
    await expectProblem(stranger, 422, "unknown_customer");
  });

  await test.step("the POS records a paid order: 201 with the order number, entries and points", async () => {
    const res = await request.post("/api/v1/orders", { headers: { ...auth(), "idempotency-key": idempotencyKey }, data: body });
    expect(res.status()).toBe(201);
    expect(res.headers()["idempotent-replayed"]).toBeUndefined();
    const json = await res.json();
    expectSchema("Order", json);
    created = json;
    // ¥123.45 at the noodle bar (30% rebate, 25% of it as points, units of at most ¥50).
    expect(json).toMatchObject({ status: "paid", amount_fen: 12_345, points_earned: 925, pos_ref: "E2E-0001" });
    expect(json.entries.map((e: { target_fen: number }) => e.target_fen)).toEqual([5000, 5000, 2345]);
  });

  await test.step("a retry with the same key and body gets the same response; another body gets 409", async () => {
    const again = await request.post("/api/v1/orders", { headers: { ...auth(), "idempotency-key": idempotencyKey }, data: body });
    expect(again.status()).toBe(201);
    expect(again.headers()["idempotent-replayed"]).toBe("true");
    const json = await again.json();
    expectSchema("Order", json);
    expect(json).toEqual(created);

    const other = await request.post("/api/v1/orders", {
      headers: { ...auth(), "idempotency-key": idempotencyKey },
      data: { ...body, amount_fen: 12_346 },
    });
    await expectProblem(other, 409, "idempotency_conflict");
  });

  await test.step("the POS reads the queue, and the drain after payment leaves no covered head", async () => {
    await expect(async () => {
      const res = await request.get("/api/v1/queue", { headers: auth() });
      expect(res.status()).toBe(200);
      const queue = await res.json();
      expectSchema("Queue", queue);
      expect(queue.payout_mode).toBe("auto");
      expect(queue.head_covered).toBe(false);
    }).toPass({ timeout: 15_000 });
  });

  await test.step("the POS reads an entry of its order", async () => {
    const entry = created!.entries.at(-1)!;
    const res = await request.get(`/api/v1/entries/${entry.id}`, { headers: auth() });
    expect(res.status()).toBe(200);
    const json = await res.json();
    expectSchema("Entry", json);
    expect(json).toMatchObject({ id: entry.id, order_no: created!.order_no, target_fen: 2345 });
    if (json.status === "waiting") {
      expect(json.position).toBeGreaterThanOrEqual(1);
      expect(json.needed_fen).toBe(Math.max(0, json.ahead_fen + json.target_fen - json.pool_fen));
    }
    await expectProblem(await request.get("/api/v1/entries/abc", { headers: auth() }), 400, "invalid_input");
    await expectProblem(await request.get("/api/v1/entries/999999999", { headers: auth() }), 404, "not_found");
    await expectProblem(await request.get("/api/v1/nothing-here", { headers: auth() }), 404, "not_found");
  });

  await test.step("another store's key cannot read this store's entry: 404", async () => {
    const tea = await browser.newPage();
    await login(tea, OTHER_MERCHANT[0], OTHER_MERCHANT[1], "/merchant/api-keys");
    const teaToken = await createKey(tea, "茶舍收银台");
    await tea.close();
    const res = await request.get(`/api/v1/entries/${created!.entries[0]!.id}`, { headers: { authorization: `Bearer ${teaToken}` } });
    await expectProblem(res, 404, "not_found");
  });

  await test.step("the console shows when the key was last used", async () => {
    await merchant.reload();
    await expect(rowOf(merchant, "一号收银台")).not.toContainText("从未使用");
    await merchant.close();
  });
});
