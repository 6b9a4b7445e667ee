import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { db } from "@/db";
import { translateError } from "@/i18n/errors";
import type { Viewer } from "@/lib/auth/session";
import { publicOrigin } from "@/lib/env";
import { makeStore } from "@/lib/testing/fixtures";
import { PHOTO_MAX_UPLOAD_BYTES } from "@/lib/merchants/photo";

// The handler runs outside Next: the signed-in owner comes from this stub.
const request = vi.hoisted(() => ({ viewer: null as Viewer | null }));
vi.mock("@/lib/auth/session", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/session")>();
  return { ...real, getViewer: async () => request.viewer };
});
vi.mock("@/lib/auth/auth-js", () => ({ auth: async () => null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers(), cookies: async () => ({ get: () => undefined }) }));

const { POST } = await import("./route");

const ORIGIN = publicOrigin() ?? "http://localhost";

/** Posts a body as a browser would (with its length), or `headers` overriding; the refusal's message code comes back. */
async function upload(body: FormData | string, headers: Record<string, string> = {}): Promise<{ status: number; field?: string; message: string }> {
  const encoded = new Response(body);
  const bytes = await encoded.arrayBuffer();
  const res = await POST(
    new Request(`${ORIGIN}/api/merchant/photo`, {
      method: "POST",
      headers: {
        origin: ORIGIN,
        host: new URL(ORIGIN).host,
        "content-type": encoded.headers.get("content-type") ?? "application/octet-stream",
        "content-length": String(bytes.byteLength),
        ...headers,
      },
      body: bytes,
    }) as never,
    { params: Promise.resolve({}) } as never,
  );
  const json = (await res.json()) as { error: { message: string; field?: string } };
  return { status: res.status, field: json.error.field, message: json.error.message };
}

const refusal = (code: string, params?: Record<string, number>) => ({ status: 400, field: "photo", message: translateError("zh-CN", code, params) });

async function photosOf(merchantId: number): Promise<number> {
  const res = await db.execute<{ n: number }>(sql`select count(*)::int as n from store_photos where merchant_id = ${merchantId}`);
  return Number(res.rows[0]!.n);
}

describe("POST /api/merchant/photo, bad input", () => {
  it("refuses a missing file, a text field, an over-declared length and a non-image, each as a 400 on the photo field, and stores nothing", async () => {
    const store = await makeStore();
    request.viewer = { userId: store.ownerUserId, role: "merchant", displayName: "Owner", consentDue: false };

    expect(await upload(new FormData())).toEqual(refusal("photo.missing"));

    const text = new FormData();
    text.set("photo", "not a file");
    expect(await upload(text)).toEqual(refusal("photo.missing"));

    // Not multipart: the form cannot be read, so there is no photo.
    expect(await upload("plain text")).toEqual(refusal("photo.missing"));

    // A declared length beyond the limit: refused before the body is read.
    expect(await upload(new FormData(), { "content-length": String(PHOTO_MAX_UPLOAD_BYTES * 2) })).toEqual(refusal("photo.tooLarge", { max: 5 }));

    const html = new FormData();
    html.set("photo", new File(["<html><script>alert(1)</script></html>"], "cover.jpg", { type: "image/jpeg" }));
    expect(await upload(html)).toEqual(refusal("photo.notImage"));

    expect(await photosOf(store.id)).toBe(0);
  });
});
