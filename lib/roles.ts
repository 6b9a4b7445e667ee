import "server-only";
import { eq } from "drizzle-orm";
import type { Tx } from "@/db";
import { users } from "@/db/schema";
import { DomainError } from "@/lib/errors";

/**
 * A domain's own guard behind the action's session check: refuses with `forbidden` and the message
 * code `message` unless `userId` is an operator. Below every domain, like lib/errors.ts.
 */
export async function requireOperator(tx: Tx, userId: number, message = "action.forbidden"): Promise<void> {
  const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
  if (user?.role !== "operator") throw new DomainError("forbidden", message);
}
