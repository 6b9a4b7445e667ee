import "server-only";
import { sql, type SQLWrapper } from "drizzle-orm";
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
  const res = await conn.execute<{ at: Date }>(sql`
    select consented_at as at from privacy_consents where user_id = ${userId} and notice_version = ${version}`);
  const at = res.rows[0]?.at;
  return at ? new Date(at) : null;
}
