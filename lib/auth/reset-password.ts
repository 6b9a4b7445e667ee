import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { notify } from "@/lib/notifications/notify";
import { hashPassword } from "./password";
import { containsOwnName } from "./password-rules";
import { checkSmsCode, consumeSmsCode } from "./sms-code";
import { endAllSessions } from "./users";

/**
 * 忘记密码: sets a new password for the account of a phone number, proven by the code sent to it.
 * The new password has passed `passwordSchema`; here it must not contain the user's name or number.
 * One transaction: the code used up, the new hash, every session ended, an audit entry and a
 * security notification (which cannot be turned off). A number with no account fails exactly like
 * a wrong code (no code was ever sent to it).
 */
export async function resetPasswordBySms(phone: string, code: string, next: string): Promise<void> {
  const codeId = await checkSmsCode(phone, "reset", code);
  const [owner] = await db.select({ id: users.id, username: users.username, phone: users.phone }).from(users).where(eq(users.phone, phone));
  if (!owner) throw new DomainError("invalid_input", "sms.codeInvalid", "code");
  if (containsOwnName(next, owner)) throw new DomainError("invalid_input", "password.containsName", "password");
  const hash = await hashPassword(next);
  await db.transaction(async (tx) => {
    await consumeSmsCode(tx, codeId);
    await tx.update(users).set({ passwordHash: hash }).where(eq(users.id, owner.id));
    await endAllSessions(tx, owner.id);
    await recordAudit(tx, { actorUserId: owner.id, action: "user.password_reset", subjectType: "user", subjectId: owner.id });
    await notify(tx, owner.id, "security", { event: "password_changed" }, `password:${Date.now()}`);
  });
}
