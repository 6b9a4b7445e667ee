import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "./auth-js";
import { db } from "@/db";
import { merchants, merchantStaff, users, type Merchant } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { consentedVersion } from "./consent";
import { SessionMemo, sessionKey, type SessionClaims } from "./session-memo";
import { loginPath, PATH_HEADER } from "./next-path";
import { consentPath, openBeforeConsent, PRIVACY_NOTICE_VERSION } from "./notice";
import type { Role } from "./users";

export type { Role } from "./users";

/** Who is asking. Ids come from the session (re-checked against the database), never from input. */
export type Viewer = {
  userId: number;
  role: Role;
  displayName: string;
  /** They have not agreed to the current privacy notice yet: they are asked before anything else. */
  consentDue: boolean;
};

// On globalThis: the pages and the actions are compiled into different bundles of the same process,
// and a module-level memo would exist once per bundle (a checkout's action and its pay page would
// each decode the same token).
const MEMO_KEY = Symbol.for("freeline.sessionMemo");
function memo(): SessionMemo {
  const g = globalThis as { [MEMO_KEY]?: SessionMemo };
  return (g[MEMO_KEY] ??= new SessionMemo());
}

/**
 * Who the request's session token names, as Auth.js decodes it, or null. A request with no session
 * cookie is anonymous without asking Auth.js; a token seen in the last minute is not decoded again
 * (lib/auth/session-memo.ts says what that keeps and what it does not).
 */
async function sessionClaims(): Promise<SessionClaims | null> {
  const key = sessionKey((await cookies()).getAll(), (await headers()).get("x-forwarded-proto"));
  if (key === null) return null;
  const known = memo().get(key);
  if (known) return known;
  const session = await auth();
  const userId = Number(session?.user?.id);
  if (!Number.isSafeInteger(userId) || userId <= 0) return null;
  const claims = { userId, sessionVersion: session?.user?.sessionVersion ?? 0 };
  memo().set(key, claims);
  return claims;
}

/**
 * The signed-in user, or null. Cached per request. The JWT alone is not trusted: the user must
 * still exist, the token's session version must still be theirs, and the role and name are read
 * fresh from the database.
 */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const claims = await sessionClaims();
  if (!claims) return null;
  const { userId } = claims;
  const [row] = await db
    .select({
      role: users.role,
      displayName: users.displayName,
      sessionVersion: users.sessionVersion,
      deletedAt: users.deletedAt,
      consented: consentedVersion(sql`"users"."id"`),
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  // A token from before the user's last logout is dead, even though its signature is still good.
  // A deleted account's sessions were ended too; the deleted_at check is the second lock on that door.
  if (!row || row.deletedAt !== null || row.sessionVersion !== claims.sessionVersion) return null;
  const consentDue = (row.consented === null ? 0 : Number(row.consented)) < PRIVACY_NOTICE_VERSION;
  return { userId, role: row.role, displayName: row.displayName, consentDue };
});

function allowedRoles(role?: Role | readonly Role[]): readonly Role[] | null {
  if (role === undefined) return null;
  return typeof role === "string" ? [role] : role;
}

/** Whether a viewer holds one of the roles (any role when none are given). */
export function hasRole(viewer: Viewer, role?: Role | readonly Role[]): boolean {
  const roles = allowedRoles(role);
  return roles === null || roles.includes(viewer.role);
}

/**
 * For pages (and other render-time code): the viewer, or a redirect to the login page when
 * anonymous, or the 403 page when signed in with the wrong role.
 * `next` defaults to the path proxy.ts recorded for this request. A viewer who has not agreed to the
 * current privacy notice goes to it first, except on the few pages open before consent (lib/auth/notice.ts).
 */
export async function requireViewer(role?: Role | readonly Role[], opts?: { next?: string }): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) {
    const next = opts?.next ?? (await headers()).get(PATH_HEADER);
    redirect(loginPath(next));
  }
  if (viewer.consentDue) {
    const path = (await headers()).get(PATH_HEADER) ?? opts?.next;
    if (!openBeforeConsent(path)) redirect(consentPath(opts?.next ?? path));
  }
  if (!hasRole(viewer, role)) forbidden();
  return viewer;
}

/**
 * The approved merchant the user owns. Throws DomainError("forbidden") when there is none, so
 * actions and route handlers can map it; pages use requireMerchant() instead.
 */
export async function approvedMerchantOf(userId: number): Promise<Merchant> {
  const [merchant] = await db.select().from(merchants).where(eq(merchants.ownerUserId, userId)).limit(1);
  if (!merchant || merchant.status !== "approved") {
    throw new DomainError("forbidden", "merchant.notApproved");
  }
  return merchant;
}

/** How the viewer works at a store: its owner, or a cashier (the queue, the orders and the till only). */
export type StoreRole = "owner" | "cashier";
export type StoreAccess = { merchant: Merchant; storeRole: StoreRole };

/**
 * The approved store a person works at: the one they own (merchant role), else the one they are an
 * active cashier of. Null when neither. Read fresh on every request, so a revoked cashier is out at
 * their next click.
 */
export const storeAccessOf = cache(async (viewer: Pick<Viewer, "userId" | "role">): Promise<StoreAccess | null> => {
  if (viewer.role === "merchant") {
    const [own] = await db.select().from(merchants).where(eq(merchants.ownerUserId, viewer.userId)).limit(1);
    if (own?.status === "approved") return { merchant: own, storeRole: "owner" };
  }
  if (viewer.role === "operator") return null;
  const [row] = await db
    .select({ merchant: merchants })
    .from(merchantStaff)
    .innerJoin(merchants, eq(merchants.id, merchantStaff.merchantId))
    .where(and(eq(merchantStaff.userId, viewer.userId), isNull(merchantStaff.revokedAt)))
    .limit(1);
  return row?.merchant.status === "approved" ? { merchant: row.merchant, storeRole: "cashier" } : null;
});

/** For actions and route handlers open to a store's owner and cashiers: the store, or DomainError("forbidden"). */
export async function storeOf(viewer: Viewer): Promise<StoreAccess> {
  const access = await storeAccessOf(viewer);
  if (!access) throw new DomainError("forbidden", "action.forbidden");
  return access;
}

/** For the console pages a cashier may see (queue, orders, till): owner or cashier, or login / 403. */
export async function requireStore(opts?: { next?: string }): Promise<{ viewer: Viewer } & StoreAccess> {
  const viewer = await requireViewer(undefined, opts);
  const access = await storeAccessOf(viewer);
  if (!access) forbidden();
  return { viewer, ...access };
}

/**
 * For the owner-only console pages: the signed-in merchant and their approved store, or login / 403.
 * The same check as requireStore (storeAccessOf, read once per request), narrowed to the owner.
 */
export async function requireMerchant(opts?: { next?: string }): Promise<{ viewer: Viewer; merchant: Merchant }> {
  const viewer = await requireViewer("merchant", opts);
  const access = await storeAccessOf(viewer);
  if (access?.storeRole !== "owner") forbidden();
  return { viewer, merchant: access.merchant };
}
