import "server-only";
import { createHash, randomInt } from "node:crypto";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Db, type Tx } from "@/db";
import { merchants, merchantStaff, staffInvites, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";

/**
 * Cashier accounts (SPEC: Pages, merchant staff). The owner invites with a one-time code; a signed-in
 * person accepts it with their own account and becomes the store's cashier. What a cashier may do is
 * decided where each action and route checks who is asking (lib/auth/session.ts): the queue, the
 * orders and the till, never rules, keys, payouts or refunds.
 */

/** Letters and digits that cannot be misread for one another when typed from a screen. */
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const INVITE_CODE_LENGTH = 12;
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Invitations not yet used that a store may hold at once. */
export const MAX_OPEN_INVITES = 10;
/** Active cashiers a store may have. */
export const MAX_STAFF = 30;

/** The code as typed: spaces and dashes are ignored, lower case is read as upper case. */
export const inviteCodeSchema = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, "").toUpperCase())
  .pipe(z.string().regex(new RegExp(`^[${CODE_ALPHABET}]{${INVITE_CODE_LENGTH}}$`), "staff.badCode"));

function hashCode(code: string): string {
  return createHash("sha256").update(`staff-invite/v1:${code}`, "utf8").digest("hex");
}

function randomCode(): string {
  let s = "";
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

/** The code in groups of four, as the console shows it. */
export function formatInviteCode(code: string): string {
  return code.match(/.{1,4}/g)!.join("-");
}

/** Creates an invitation for the owner's store; the code is in the result only, never stored. */
export async function createInvite(tx: Tx, args: { merchantId: number; ownerUserId: number; now?: Date }): Promise<{ id: number; code: string; expiresAt: Date }> {
  const now = args.now ?? new Date();
  await lockStore(tx, args.merchantId);
  const [open] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(staffInvites)
    .where(and(eq(staffInvites.merchantId, args.merchantId), isNull(staffInvites.acceptedAt), isNull(staffInvites.revokedAt), gt(staffInvites.expiresAt, now)));
  if ((open?.n ?? 0) >= MAX_OPEN_INVITES) throw new DomainError("not_allowed", "staff.tooManyInvites", undefined, { max: MAX_OPEN_INVITES });
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  // 31^12 codes: a collision is very unlikely, and the unique index decides.
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = randomCode();
    const [row] = await tx
      .insert(staffInvites)
      .values({ merchantId: args.merchantId, codeHash: hashCode(code), createdByUserId: args.ownerUserId, expiresAt })
      .onConflictDoNothing({ target: staffInvites.codeHash })
      .returning({ id: staffInvites.id });
    if (row) {
      await recordAudit(tx, { actorUserId: args.ownerUserId, action: "staff.invite", subjectType: "merchant", subjectId: args.merchantId, details: { inviteId: row.id } });
      return { id: row.id, code, expiresAt };
    }
  }
  throw new Error("could not draw an unused invitation code");
}

/** The store row, locked: invitations, joins and revocations of one store run one after another. */
async function lockStore(tx: Tx, merchantId: number): Promise<{ status: string; name: string }> {
  const [m] = await tx
    .select({ status: merchants.status, name: merchants.name })
    .from(merchants)
    .where(eq(merchants.id, merchantId))
    .for("no key update");
  if (!m) throw new DomainError("not_found", "staff.inviteNotFound");
  return m;
}

/**
 * Accepts an invitation with the caller's own account. Refused for an operator, for anyone who owns
 * or applied for a store, for a cashier of a store already, and for a used, withdrawn or expired code
 * (all of which read the same, so a code reveals nothing). The invitation is used once.
 */
export async function acceptInvite(tx: Tx, args: { userId: number; code: string; now?: Date }): Promise<{ merchantId: number; storeName: string }> {
  const now = args.now ?? new Date();
  const [invite] = await tx.select().from(staffInvites).where(eq(staffInvites.codeHash, hashCode(args.code))).for("update");
  if (!invite || invite.acceptedAt !== null || invite.revokedAt !== null || invite.expiresAt <= now) {
    throw new DomainError("not_found", "staff.inviteNotFound", "code");
  }
  const store = await lockStore(tx, invite.merchantId);
  if (store.status !== "approved") throw new DomainError("not_found", "staff.inviteNotFound", "code");

  // The person's row, locked: one person joins one store at a time.
  const [person] = await tx
    .select({ role: users.role, owns: sql<boolean>`exists (select 1 from ${merchants} m where m.owner_user_id = "users"."id")` })
    .from(users)
    .where(eq(users.id, args.userId))
    .for("no key update");
  if (!person) throw new DomainError("forbidden", "action.forbidden");
  if (person.role === "operator") throw new DomainError("not_allowed", "staff.operatorCannotJoin", "code");
  if (person.owns) throw new DomainError("not_allowed", "staff.ownerCannotJoin", "code");
  const [current] = await tx
    .select({ merchantId: merchantStaff.merchantId })
    .from(merchantStaff)
    .where(and(eq(merchantStaff.userId, args.userId), isNull(merchantStaff.revokedAt)));
  if (current) throw new DomainError("conflict", current.merchantId === invite.merchantId ? "staff.alreadyHere" : "staff.alreadyElsewhere", "code");
  const [count] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(merchantStaff)
    .where(and(eq(merchantStaff.merchantId, invite.merchantId), isNull(merchantStaff.revokedAt)));
  if ((count?.n ?? 0) >= MAX_STAFF) throw new DomainError("not_allowed", "staff.tooMany", "code", { max: MAX_STAFF });

  await tx.update(staffInvites).set({ acceptedByUserId: args.userId, acceptedAt: now }).where(eq(staffInvites.id, invite.id));
  const [row] = await tx.insert(merchantStaff).values({ merchantId: invite.merchantId, userId: args.userId, inviteId: invite.id }).returning({ id: merchantStaff.id });
  await recordAudit(tx, { actorUserId: args.userId, action: "staff.join", subjectType: "merchant", subjectId: invite.merchantId, details: { inviteId: invite.id, staffId: row!.id } });
  return { merchantId: invite.merchantId, storeName: store.name };
}

/** Ends a cashier's access to the owner's store at once. Another store's cashier (or an unknown id) is not found. */
export async function revokeStaff(tx: Tx, args: { merchantId: number; ownerUserId: number; staffId: number }): Promise<{ userId: number }> {
  await lockStore(tx, args.merchantId);
  const [done] = await tx
    .update(merchantStaff)
    .set({ revokedAt: sql`now()`, revokedByUserId: args.ownerUserId })
    .where(and(eq(merchantStaff.id, args.staffId), eq(merchantStaff.merchantId, args.merchantId), isNull(merchantStaff.revokedAt)))
    .returning({ userId: merchantStaff.userId });
  if (!done) throw new DomainError("not_found", "staff.notFound");
  await recordAudit(tx, { actorUserId: args.ownerUserId, action: "staff.revoke", subjectType: "merchant", subjectId: args.merchantId, details: { staffId: args.staffId, userId: done.userId } });
  return done;
}

/** Withdraws an invitation not used yet. */
export async function withdrawInvite(tx: Tx, args: { merchantId: number; ownerUserId: number; inviteId: number }): Promise<void> {
  const [done] = await tx
    .update(staffInvites)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(staffInvites.id, args.inviteId), eq(staffInvites.merchantId, args.merchantId), isNull(staffInvites.acceptedAt), isNull(staffInvites.revokedAt)))
    .returning({ id: staffInvites.id });
  if (!done) throw new DomainError("not_found", "staff.inviteNotFound");
  await recordAudit(tx, { actorUserId: args.ownerUserId, action: "staff.withdrawInvite", subjectType: "merchant", subjectId: args.merchantId, details: { inviteId: args.inviteId } });
}

export type StaffRow = { id: number; userId: number; displayName: string; username: string; addedAt: Date; revokedAt: Date | null };
export type OpenInvite = { id: number; createdAt: Date; expiresAt: Date };

/** A store's cashiers (active first, then former ones, newest first) and its open invitations. */
export async function staffOf(merchantId: number, conn: Db | Tx = db, now = new Date()): Promise<{ staff: StaffRow[]; invites: OpenInvite[] }> {
  const [staff, invites] = await Promise.all([
    conn
      .select({
        id: merchantStaff.id,
        userId: merchantStaff.userId,
        displayName: users.displayName,
        username: users.username,
        addedAt: merchantStaff.addedAt,
        revokedAt: merchantStaff.revokedAt,
      })
      .from(merchantStaff)
      .innerJoin(users, eq(users.id, merchantStaff.userId))
      .where(eq(merchantStaff.merchantId, merchantId))
      .orderBy(sql`${merchantStaff.revokedAt} is not null`, desc(merchantStaff.addedAt), desc(merchantStaff.id))
      .limit(200),
    conn
      .select({ id: staffInvites.id, createdAt: staffInvites.createdAt, expiresAt: staffInvites.expiresAt })
      .from(staffInvites)
      .where(and(eq(staffInvites.merchantId, merchantId), isNull(staffInvites.acceptedAt), isNull(staffInvites.revokedAt), gt(staffInvites.expiresAt, now)))
      .orderBy(desc(staffInvites.id)),
  ]);
  return { staff, invites };
}
