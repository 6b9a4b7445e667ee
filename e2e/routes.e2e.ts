import { createHmac } from "node:crypto";
import { expect, test } from "./test";
import { CRON_SECRET, E2E_BASE_URL, PAYMENT_DEV_SECRET } from "./test-env";
import { login } from "./pages";

function signed(body: string, secret: string = PAYMENT_DEV_SECRET, t = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return { "content-type": "application/json", "x-freeline-signature": `t=${t},v1=${v1}` };
}

const event = (orderNo: string, amountFen = 1000) =>
  JSON.stringify({ type: "payment.succeeded", eventId: "e2e-1", orderNo, amountFen, providerRef: "e2e" });

test.describe("route handlers check who is asking themselves", () => {
  test("the drain accepts only an operator session or the cron secret", async ({ request, browser }) => {
    expect((await request.post("/api/queues/1/drain")).status()).toBe(401);
    expect((await request.post("/api/queues/1/drain", { headers: { authorization: "Bearer wrong-secret-value" } })).status()).toBe(401);
    const ok = await request.post("/api/queues/1/drain", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toMatchObject({ queueId: 1 });
    const missing = await request.post("/api/queues/999999/drain", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(missing.status()).toBe(404);
    const bad = await request.post("/api/queues/abc/drain", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(bad.status()).toBe(400);

    // A signed-in customer is refused; an operator is let in.
    const customer = await browser.newPage();
    await login(customer, "demo", "demo-pass-2026");
    expect((await customer.request.post("/api/queues/1/drain")).status()).toBe(403);
    await customer.close();
    const ops = await browser.newPage();
    await login(ops, "ops", "operator-pass-2026");
    // A signed-in write must come from our own pages (the Origin check); without it, 403.
    expect((await ops.request.post("/api/queues/1/drain")).status()).toBe(403);
    expect((await ops.request.post("/api/queues/1/drain", { headers: { origin: E2E_BASE_URL } })).status()).toBe(200);
    await ops.close();
  });

  test("the payment webhook refuses unsigned, forged, stale and malformed calls", async ({ request }) => {
    const body = event("FL261125ABCDEFGH");
    const post = (headers: Record<string, string>, data = body) => request.post("/api/payments/dev/webhook", { headers, data: Buffer.from(data) });
    expect((await post({ "content-type": "application/json" })).status()).toBe(401);
    expect((await post(signed(body, "a-forged-secret-of-enough-length"))).status()).toBe(401);
    expect((await post(signed(body, PAYMENT_DEV_SECRET, Math.floor(Date.now() / 1000) - 3600))).status()).toBe(401);
    // A valid signature over a body that is not a payment event, and one over an unknown order.
    expect((await post(signed("{\"type\":\"nope\"}"), "{\"type\":\"nope\"}")).status()).toBe(400);
    expect((await post(signed("not json"), "not json")).status()).toBe(400);
    expect((await post(signed(body))).status()).toBe(404);
    // The body that was signed is the body that counts: a tampered amount fails the signature.
    expect((await post(signed(body), event("FL261125ABCDEFGH", 999_999))).status()).toBe(401);
    expect((await request.post("/api/payments/nope/webhook", { headers: signed(body), data: body })).status()).toBe(404);
  });

  test("health answers", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: "up" });
  });
});
