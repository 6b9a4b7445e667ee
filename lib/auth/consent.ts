import "server-only";
import { and, eq, sql, type SQLWrapper } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { privacyConsents } from "@/db/schema";
import { PRIVACY_NOTICE_VERSION } from "./notice";

/**
 * Records that the user agreed to the privacy notice of `version` (the current one by default),
 * with the time. Agreeing twice to the same version keeps the first time.
 */
export async function recordConsent(conn: Db | Tx, userId: number, version: number = PRIVACY_NOTICE_VERSION): Promise<void> {
  await conn.insert(privacyConsents).values({ userId, noticeVersion: version }).onConflictDoNothing();
}

/** The latest notice version the user agreed to, as a scalar subquery on `userId` (null: never). */
export function consentedVersion(userId: SQLWrapper) {
  return sql<number | null>`(select max(pc.notice_version) from privacy_consents pc where pc.user_id = ${userId})`;
}

/** When the user agreed to the notice of `version`, or null. */
export async function consentTime(conn: Db | Tx, userId: number, version: number = PRIVACY_NOTICE_VERSION): Promise<Date | null> {
  const [row] = await conn
    .select({ at: privacyConsents.consentedAt })
    .from(privacyConsents)
    .where(and(eq(privacyConsents.userId, userId), eq(privacyConsents.noticeVersion, version)));
  return row?.at ?? null;
}
