import "server-only";
import type { Db, Tx } from "@/db";
import { auditLog } from "@/db/schema";

/** Appends one operator action to the audit log: who, what, on what, and why. */
export async function recordAudit(
  conn: Db | Tx,
  entry: { actorUserId: number | null; action: string; subjectType: string; subjectId: string | number; reason?: string; details?: Record<string, unknown> },
): Promise<void> {
  await conn.insert(auditLog).values({
    actorUserId: entry.actorUserId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: String(entry.subjectId),
    reason: entry.reason ?? null,
    details: entry.details ?? {},
  });
}
