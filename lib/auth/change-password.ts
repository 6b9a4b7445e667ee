import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { notify } from "@/lib/notifications/notify";
import { confirmPassword } from "./confirm-password";
import { hashPassword } from "./password";
import { containsOwnName, normalisePassword } from "./password-rules";
import { endAllSessions } from "./users";

/**
 * Changes a signed-in user's password. The current one is re-entered and checked under the same
 * throttle as the withdrawal password (a stolen session gets 5 guesses per 15 minutes for both
 * together). The new one has already passed `passwordSchema` (length, common passwords); here it
 * must also differ from the current one and not contain the user's name or phone number. Then, in
 * one transaction: the new hash, every session ended (the version bump that logout uses, so a
 * thief's cookie dies with the change) and an audit entry. argon2 runs before the transaction.
 */
export async function changePassword(db: Db, userId: number, current: string, next: string): Promise<void> {
  await confirmPassword(db, userId, current);
  if (normalisePassword(next) === normalisePassword(current)) throw new DomainError("invalid_input", "password.same", "newPassword");
  const [owner] = await db.select({ username: users.username, phone: users.phone }).from(users).where(eq(users.id, userId));
  if (owner && containsOwnName(next, owner)) throw new DomainError("invalid_input", "password.containsName", "newPassword");
  const hash = await hashPassword(next);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash: hash }).where(eq(users.id, userId));
    await endAllSessions(tx, userId);
    await recordAudit(tx, { actorUserId: userId, action: "user.password_changed", subjectType: "user", subjectId: userId });
    // A security message: it cannot be turned off, so a thief who changed it is noticed.
    await notify(tx, userId, "security", { event: "password_changed" }, `password:${Date.now()}`);
  });
}
