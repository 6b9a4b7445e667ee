import "server-only";
import { and, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Tx } from "@/db";
import { pgCode, pgConstraint } from "@/db/errors";
import { mapRows } from "@/db/rows";
import { merchants, merchantStatus, payoutMode, queues, ruleVersions, users, type Merchant } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, type MessageParams } from "@/lib/errors";
import { requireOperator } from "@/lib/roles";
import { checkRules } from "@/lib/rules/form";
import { DEFAULT_RULES, type RuleSettings } from "@/lib/rules/settings";
import { appendRuleVersion, lockMerchant, RuleValidationError } from "@/lib/rules/versions";
import { addressSchema, licenceSchema, phoneSchema } from "./profile-schema";
import { createStore } from "./store";

/** The store link /s/<slug> (店铺链接); the same rule as the merchants_slug_format CHECK. */
export const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,40}$/;
export const STORE_NAME_MAX = 40;
export const REASON_MAX = 500;

export const storeNameSchema = z
  .string()
  .trim()
  .min(1, "merchant.nameRequired")
  .refine((s) => [...s].length <= STORE_NAME_MAX, { error: "merchant.nameTooLong", params: { max: STORE_NAME_MAX } })
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), "merchant.nameInvisible");

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "merchant.slugRequired")
  .regex(SLUG_RE, "merchant.slugFormat");

export const reviewReasonSchema = z
  .string()
  .trim()
  .refine((s) => [...s].length <= REASON_MAX, { error: "merchant.reasonTooLong", params: { max: REASON_MAX } })
  .refine((s) => !/[\p{Cc}]/u.test(s.replace(/[\n\r\t]/g, "")), "merchant.reasonInvisible");

/** What an operator checks: the business as registered, and how to reach it. All required. */
export type ApplicationDetails = { businessName: string; licenceNo: string; contactPhone: string; address: string };

export const businessNameSchema = storeNameSchema;
const requiredAddress = addressSchema.pipe(z.string().min(1, "form.required"));

function parseDetails(d: ApplicationDetails): ApplicationDetails {
  return {
    businessName: parseOrThrow(businessNameSchema, d.businessName, "businessName"),
    licenceNo: parseOrThrow(licenceSchema, d.licenceNo, "licenceNo"),
    contactPhone: parseOrThrow(phoneSchema, d.contactPhone, "contactPhone"),
    address: parseOrThrow(requiredAddress, d.address, "address"),
  };
}

export const applicationDetailsSchema = z.object({
  businessName: businessNameSchema,
  licenceNo: licenceSchema,
  contactPhone: phoneSchema,
  address: requiredAddress,
});

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  // A refinement's params are its message code's arguments (as validatedAction reads them).
  const params = issue?.code === "custom" ? (issue.params as MessageParams | undefined) : undefined;
  throw new DomainError("invalid_input", issue?.message ?? "form.check", field, params);
}

const SLUG_TAKEN = "merchant.slugTaken";

async function ensureSlugFree(tx: Tx, slug: string, exceptMerchantId?: number): Promise<void> {
  const cond = exceptMerchantId === undefined ? eq(merchants.slug, slug) : and(eq(merchants.slug, slug), ne(merchants.id, exceptMerchantId));
  const [taken] = await tx.select({ id: merchants.id }).from(merchants).where(cond).limit(1);
  if (taken) throw new DomainError("conflict", SLUG_TAKEN, "slug");
}

/**
 * A signed-in customer applies for a store: one application per user. The store is created
 * pending (with its queue, accounts and rule version 1) and gets no orders, and its owner no
 * merchant role, until an operator approves it. A rejected applicant applies again on the same
 * row, which goes back to pending with the new details (and a new rule version if the rules differ).
 */
export async function applyForStore(
  tx: Tx,
  args: { userId: number; name: string; slug: string; details: ApplicationDetails; rules?: Partial<RuleSettings> },
): Promise<Merchant> {
  const name = parseOrThrow(storeNameSchema, args.name, "name");
  const slug = parseOrThrow(slugSchema, args.slug, "slug");
  const details = parseDetails(args.details);
  const checked = checkRules({ ...DEFAULT_RULES, ...args.rules });
  if (!checked.ok) throw new RuleValidationError(checked.fieldErrors);
  const rules = checked.rules;

  // The user row is the per-applicant mutex: two submissions of one user run one after the other.
  const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.id, args.userId)).for("no key update");
  if (!user) throw new DomainError("not_found", "merchant.userNotFound");
  if (user.role === "operator") throw new DomainError("not_allowed", "merchant.operatorCannotApply");

  const [existing] = await tx.select().from(merchants).where(eq(merchants.ownerUserId, args.userId)).limit(1);
  try {
    if (!existing) {
      await ensureSlugFree(tx, slug);
      const created = await createStore(tx, { ownerUserId: args.userId, slug, name, rules, approved: false });
      const [merchant] = await tx.update(merchants).set(details).where(eq(merchants.id, created.id)).returning();
      if (!merchant) throw new Error("merchant vanished");
      await recordAudit(tx, { actorUserId: args.userId, action: "merchant.apply", subjectType: "merchant", subjectId: merchant.id, details: { slug, name, rebateBps: rules.rebateBps } });
      return merchant;
    }
    if (existing.status === "pending") throw new DomainError("conflict", "merchant.applicationPending");
    if (existing.status === "approved") throw new DomainError("conflict", "merchant.alreadyHasStore");

    // Re-application after a rejection: same row, back to pending. The last decision's fields stay
    // until the next review, so the operator sees why it was rejected before.
    const locked = await lockMerchant(tx, existing.id);
    if (locked.status !== "rejected") throw new DomainError("conflict", "merchant.applicationChanged");
    await ensureSlugFree(tx, slug, existing.id);
    const [merchant] = await tx
      .update(merchants)
      .set({ name, slug, status: "pending", ...details })
      .where(eq(merchants.id, existing.id))
      .returning();
    if (!merchant) throw new Error("merchant vanished");
    if (merchant.queueId !== null) await tx.update(queues).set({ name }).where(eq(queues.id, merchant.queueId));
    const version = await appendRuleVersion(tx, locked, rules, args.userId);
    await recordAudit(tx, {
      actorUserId: args.userId,
      action: "merchant.reapply",
      subjectType: "merchant",
      subjectId: merchant.id,
      details: { slug, name, rebateBps: rules.rebateBps, ruleVersion: version.version.version },
    });
    return { ...merchant, ruleVersion: version.version.version };
  } catch (e) {
    // Two applicants racing for one slug: the unique index decides, with the same message.
    if (pgCode(e) === "23505" && pgConstraint(e) === "merchants_slug_key") throw new DomainError("conflict", SLUG_TAKEN, "slug");
    throw e;
  }
}

export type ReviewDecision = "approve" | "reject";

/**
 * An operator decides on a pending application. A reason is required to reject (the applicant
 * sees it) and optional to approve. Approval opens the store and makes its owner a merchant.
 * Either way the decision is recorded on the merchant and in the audit log.
 */
export async function reviewApplication(
  tx: Tx,
  args: { merchantId: number; operatorId: number; decision: ReviewDecision; reason: string },
): Promise<Merchant> {
  const reason = parseOrThrow(reviewReasonSchema, args.reason ?? "", "reason");
  if (args.decision === "reject" && reason.length === 0) {
    throw new DomainError("invalid_input", "merchant.rejectReasonRequired", "reason");
  }
  await requireOperator(tx, args.operatorId, "merchant.reviewOperatorsOnly");

  const m = await lockMerchant(tx, args.merchantId);
  if (m.status !== "pending") throw new DomainError("conflict", "merchant.applicationDecided");

  const approved = args.decision === "approve";
  const [merchant] = await tx
    .update(merchants)
    .set({
      status: approved ? "approved" : "rejected",
      reviewedByUserId: args.operatorId,
      reviewedAt: sql`now()`,
      reviewReason: reason || null,
    })
    .where(eq(merchants.id, m.id))
    .returning();
  if (!merchant) throw new Error("merchant vanished");
  if (approved) {
    // Only a customer becomes a merchant; nobody is ever demoted by an approval.
    await tx
      .update(users)
      .set({ role: "merchant" })
      .where(and(eq(users.id, merchant.ownerUserId), eq(users.role, "customer")));
  }
  await recordAudit(tx, {
    actorUserId: args.operatorId,
    action: approved ? "merchant.approve" : "merchant.reject",
    subjectType: "merchant",
    subjectId: merchant.id,
    reason: reason || undefined,
    details: { slug: merchant.slug, name: merchant.name, ruleVersion: merchant.ruleVersion },
  });
  return merchant;
}

/** The user's own application (or store), with the rebate it asks for; null when there is none. */
export async function applicationOf(userId: number): Promise<(Merchant & { rebateBps: number }) | null> {
  const [row] = await db
    .select({ merchant: merchants, rebateBps: ruleVersions.rebateBps })
    .from(merchants)
    .innerJoin(ruleVersions, and(eq(ruleVersions.merchantId, merchants.id), eq(ruleVersions.version, merchants.ruleVersion)))
    .where(eq(merchants.ownerUserId, userId))
    .limit(1);
  return row ? { ...row.merchant, rebateBps: row.rebateBps } : null;
}

export type MerchantAdminRow = {
  id: number;
  slug: string;
  name: string;
  status: Merchant["status"];
  ownerUsername: string;
  ownerDisplayName: string;
  createdAt: Date;
  reviewedAt: Date | null;
  reviewReason: string | null;
  reviewerUsername: string | null;
  queueId: number | null;
  payoutMode: "auto" | "manual" | null;
  allianceName: string | null;
  waitingCount: number;
  ruleVersion: number;
  rebateBps: number;
  ruleChangedAt: Date;
  businessName: string | null;
  licenceNo: string | null;
  contactPhone: string | null;
  address: string | null;
  suspendedAt: Date | null;
  suspendedReason: string | null;
};

/** Every merchant for the operator console: pending first (oldest first), then the rest by name. */
export async function merchantsForOperator(): Promise<MerchantAdminRow[]> {
  const res = await db.execute(sql`
    select m.id, m.slug, m.name, m.status, m.created_at, m.business_name, m.licence_no, m.contact_phone, m.address,
           m.suspended_at, m.suspended_reason, m.reviewed_at, m.review_reason, m.queue_id, m.rule_version,
           o.username as owner_username, o.display_name as owner_display_name, rv.username as reviewer_username,
           q.payout_mode, a.name as alliance_name, r.rebate_bps, r.created_at as rule_changed_at,
           (select count(*) from queue_entries e where e.queue_id = m.queue_id and e.status = 'waiting') as waiting
    from merchants m
    join users o on o.id = m.owner_user_id
    left join users rv on rv.id = m.reviewed_by_user_id
    left join queues q on q.id = m.queue_id
    left join alliances a on a.queue_id = m.queue_id
    join rule_versions r on r.merchant_id = m.id and r.version = m.rule_version
    order by (m.status = 'pending') desc,
             case when m.status = 'pending' then m.created_at end asc,
             m.name asc, m.id asc`);
  return mapRows(res, (r) => ({
    id: r.int("id"),
    slug: r.str("slug"),
    name: r.str("name"),
    status: r.oneOf("status", merchantStatus.enumValues),
    ownerUsername: r.str("owner_username"),
    ownerDisplayName: r.str("owner_display_name"),
    createdAt: r.date("created_at"),
    reviewedAt: r.dateOrNull("reviewed_at"),
    reviewReason: r.strOrNull("review_reason"),
    reviewerUsername: r.strOrNull("reviewer_username"),
    queueId: r.intOrNull("queue_id"),
    // null when the merchant has no queue (the left join finds none)
    payoutMode: r.strOrNull("payout_mode") === null ? null : r.oneOf("payout_mode", payoutMode.enumValues),
    allianceName: r.strOrNull("alliance_name"),
    waitingCount: r.int("waiting"),
    ruleVersion: r.int("rule_version"),
    rebateBps: r.int("rebate_bps"),
    ruleChangedAt: r.date("rule_changed_at"),
    businessName: r.strOrNull("business_name"),
    licenceNo: r.strOrNull("licence_no"),
    contactPhone: r.strOrNull("contact_phone"),
    address: r.strOrNull("address"),
    suspendedAt: r.dateOrNull("suspended_at"),
    suspendedReason: r.strOrNull("suspended_reason"),
  }));
}
