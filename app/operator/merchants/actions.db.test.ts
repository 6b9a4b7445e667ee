import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { merchants, users } from "@/db/schema";
import type { Viewer } from "@/lib/auth/session";
import { applyForStore } from "@/lib/merchants/onboarding";
import { makeCustomer, SAMPLE_APPLICATION } from "@/lib/testing/fixtures";

// The action runs outside Next: the viewer comes from this stub instead of the Auth.js session,
// and revalidatePath has no cache to clear.
const session = vi.hoisted(() => ({ viewer: null as Viewer | null }));
vi.mock("@/lib/auth/session", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/session")>();
  return { ...real, getViewer: async () => session.viewer };
});
vi.mock("@/lib/auth/auth-js", () => ({ auth: async () => null }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { reviewApplicationAction } = await import("./actions");

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

async function pendingApplication() {
  const user = await makeCustomer();
  const m = await inTransaction((tx) => applyForStore(tx, { userId: user, name: "守卫测试", slug: `guard-${user}`, details: SAMPLE_APPLICATION }));
  return { user, m };
}

const statusOf = async (id: number) => (await db.select({ s: merchants.status }).from(merchants).where(eq(merchants.id, id)))[0]!.s;

describe("reviewApplicationAction", () => {
  beforeEach(() => {
    session.viewer = null;
  });

  it("refuses anyone who is not an operator, and changes nothing", async () => {
    const { user, m } = await pendingApplication();
    const input = form({ merchantId: String(m.id), decision: "approve", reason: "" });
    expect(await reviewApplicationAction(null, input)).toMatchObject({ ok: false, error: "请先登录" });
    for (const role of ["customer", "merchant"] as const) {
      session.viewer = { userId: await makeCustomer(role), role, displayName: "x", consentDue: false };
      expect(await reviewApplicationAction(null, input)).toMatchObject({ ok: false, error: "没有权限执行此操作" });
    }
    // The applicant themself, too.
    session.viewer = { userId: user, role: "customer", displayName: "x", consentDue: false };
    expect(await reviewApplicationAction(null, input)).toMatchObject({ ok: false });
    expect(await statusOf(m.id)).toBe("pending");
  });

  it("lets an operator approve, and asks for a reason to reject", async () => {
    const op = await makeCustomer("operator");
    session.viewer = { userId: op, role: "operator", displayName: "ops", consentDue: false };
    const a = await pendingApplication();
    // The domain function's message code reaches the operator as words (no cookie here: Chinese).
    expect(await reviewApplicationAction(null, form({ merchantId: String(a.m.id), decision: "reject", reason: "" }))).toMatchObject({
      ok: false,
      field: "reason",
      error: "驳回时请写明理由，申请人会看到它",
    });
    // So does a refinement's, with its argument.
    expect(await reviewApplicationAction(null, form({ merchantId: String(a.m.id), decision: "reject", reason: "长".repeat(501) }))).toMatchObject({
      ok: false,
      fieldErrors: { reason: "理由最多 500 个字" },
    });
    expect(await reviewApplicationAction(null, form({ merchantId: String(a.m.id), decision: "approve" }))).toMatchObject({
      ok: true,
      status: "approved",
    });
    const [u] = await db.select({ role: users.role }).from(users).where(eq(users.id, a.user));
    expect(u!.role).toBe("merchant");
    expect(await reviewApplicationAction(null, form({ merchantId: "abc", decision: "approve" }))).toMatchObject({
      ok: false,
      fieldErrors: { merchantId: "申请编号无效" },
    });
  });
});
