import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { merchants } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { requireOperator } from "@/lib/roles";
import { reviewReasonSchema } from "./onboarding";

async function lockForOperator(tx: Tx, merchantId: number, operatorId: number): Promise<{ status: string; suspended: boolean; slug: string }> {
  await requireOperator(tx, operatorId, "merchant.reviewOperatorsOnly");
  // FOR UPDATE: an order being created holds the row FOR KEY SHARE (lib/orders/create.ts); this
  // waits for it, and orders after this read the row as it commits.
  const [m] = await tx
    .select({ status: merchants.status, suspendedAt: merchants.suspendedAt, slug: merchants.slug })
    .from(merchants)
    .where(eq(merchants.id, merchantId))
    .for("update");
  if (!m) throw new DomainError("not_found", "store.notFoundOrNotApproved");
  return { status: m.status, suspended: m.suspendedAt !== null, slug: m.slug };
}

/**
 * An operator suspends an approved store: it takes no new orders (browser or POS) and its page
 * says so. Nothing else moves: waiting entries, the pool, payouts, leaving and refunds carry on as
 * before. A reason is required; it is shown on the store page. Audited as `merchant.suspend`.
 */
export async function suspendStore(tx: Tx, args: { merchantId: number; operatorId: number; reason: string }): Promise<{ slug: string }> {
  const parsed = reviewReasonSchema.safeParse(args.reason ?? "");
  if (!parsed.success) throw new DomainError("invalid_input", parsed.error.issues[0]?.message ?? "form.check", "reason");
  const reason = parsed.data;
  if (reason.length === 0) throw new DomainError("invalid_input", "merchant.suspendReasonRequired", "reason");
  const m = await lockForOperator(tx, args.merchantId, args.operatorId);
  if (m.status !== "approved") throw new DomainError("conflict", "merchant.notOpen");
  if (m.suspended) throw new DomainError("conflict", "merchant.alreadySuspended");
  await tx
    .update(merchants)
    .set({ suspendedAt: sql`now()`, suspendedReason: reason, suspendedByUserId: args.operatorId })
    .where(eq(merchants.id, args.merchantId));
  await recordAudit(tx, { actorUserId: args.operatorId, action: "merchant.suspend", subjectType: "merchant", subjectId: args.merchantId, reason });
  return { slug: m.slug };
}

/** An operator lifts a suspension: the store takes orders again. Audited as `merchant.reinstate`. */
export async function reinstateStore(tx: Tx, args: { merchantId: number; operatorId: number; reason: string }): Promise<{ slug: string }> {
  const parsed = reviewReasonSchema.safeParse(args.reason ?? "");
  if (!parsed.success) throw new DomainError("invalid_input", parsed.error.issues[0]?.message ?? "form.check", "reason");
  const m = await lockForOperator(tx, args.merchantId, args.operatorId);
  if (!m.suspended) throw new DomainError("conflict", "merchant.notSuspended");
  await tx.update(merchants).set({ suspendedAt: null, suspendedReason: null, suspendedByUserId: null }).where(eq(merchants.id, args.merchantId));
  await recordAudit(tx, {
    actorUserId: args.operatorId,
    action: "merchant.reinstate",
    subjectType: "merchant",
    subjectId: args.merchantId,
    reason: parsed.data || undefined,
  });
  return { slug: m.slug };
}
