import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db } from "@/db";
import { createApiKey, revokeApiKey } from "@/lib/api/keys";
import { makeCustomer, makeStore } from "@/lib/testing/fixtures";
import { expectLedgerClean } from "@/lib/testing/verify";

// POST /api/v1/orders checks its API key in the order's first statement (withApiKeyInStatement):
// the answers a caller gets must be those of a key checked before the handler.
// The route runs outside Next: no session, no request scope.
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getViewer: async () => null,
}));
vi.mock("@/lib/auth/auth-js", () => ({ auth: async () => null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers(), cookies: async () => ({ get: () => undefined }) }));
const { POST } = await import("@/app/api/v1/orders/route");

afterAll(expectLedgerClean);

async function setup() {
  const store = await makeStore({ payoutMode: "manual" });
  const { token, id } = await createApiKey(db, { merchantId: store.id, createdByUserId: store.ownerUserId, name: "till" });
  const res = await db.execute<{ username: string }>(sql`select username from users where id = ${await makeCustomer()}`);
  return { store, token, keyId: id, customer: res.rows[0]!.username };
}

const call = (token: string, body: unknown, idempotencyKey: string | null = randomUUID()) =>
  POST(
    new Request("http://localhost/api/v1/orders", {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...(idempotencyKey === null ? {} : { "idempotency-key": idempotencyKey }),
      },
      body: JSON.stringify(body),
    }) as never,
    { params: Promise.resolve({}) } as never,
  );

const codeOf = async (res: Response) => ((await res.json()) as { code?: string }).code;
const wrong = (token: string) => token.replace(/.$/, (c) => (c === "a" ? "b" : "a"));

describe("POST /api/v1/orders with the key checked in the claim", () => {
  it("a valid key orders (201) and its use is recorded", async () => {
    const { token, keyId, customer } = await setup();
    const res = await call(token, { customer, amount_fen: 3000 });
    expect(res.status).toBe(201);
    const used = await db.execute<{ last_used_at: Date | null }>(sql`select last_used_at from api_keys where id = ${keyId}`);
    expect(used.rows[0]!.last_used_at).not.toBeNull();
  });

  it("a wrong or revoked key is a 401 with the Bearer challenge, also when the body or Idempotency-Key is bad too", async () => {
    const { store, token, keyId, customer } = await setup();
    for (const [body, key] of [
      [{ customer, amount_fen: 3000 }, randomUUID()],
      [{ customer, amount_fen: -1 }, randomUUID()],
      [{ customer, amount_fen: 3000 }, null],
    ] as const) {
      const res = await call(wrong(token), body, key);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await codeOf(res)).toBe("unauthenticated");
    }
    await revokeApiKey(db, { merchantId: store.id, keyId });
    expect((await call(token, { customer, amount_fen: 3000 })).status).toBe(401);
    expect((await call(token, { customer, amount_fen: -1 })).status).toBe(401);
  });

  it("a valid key with a bad body gets the validation problem; a store not approved gets 403", async () => {
    const { store, token, customer } = await setup();
    const bad = await call(token, { customer, amount_fen: -1 });
    expect(bad.status).toBe(400);
    await db.execute(sql`update merchants set status = 'rejected' where id = ${store.id}`);
    for (const body of [{ customer, amount_fen: 3000 }, { customer, amount_fen: -1 }]) {
      const res = await call(token, body);
      expect(res.status).toBe(403);
      expect(await codeOf(res)).toBe("merchant_not_approved");
    }
    await db.execute(sql`update merchants set status = 'approved' where id = ${store.id}`);
  });
});
