import "server-only";
import { eq } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { users } from "@/db/schema";
import { PASSWORD_MAX, verifyPassword } from "./password";
import { throttled, withdrawBucket } from "./throttle";
import { DomainError } from "@/lib/errors";

/**
 * Checks the password a signed-in user re-enters to confirm a sensitive step (a withdrawal, a
 * password change) against their stored hash. Refuses with a field error on `password`. Call it
 * before opening the transaction: argon2 is slow on purpose, and no lock should wait on it.
 * Wrong passwords are throttled like logins (5 per 15 minutes, then a lockout with backoff), in one
 * bucket for every such step, so a stolen session cannot guess the password that guards the wallet.
 */
export async function confirmPassword(conn: Db | Tx, userId: number, password: string): Promise<void> {
  await throttled(conn, [withdrawBucket(userId)], "password", () => checkPassword(conn, userId, password));
}

async function checkPassword(conn: Db | Tx, userId: number, password: string): Promise<void> {
  const [row] = await conn.select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  const ok =
    typeof password === "string" && password.length > 0 && password.length <= PASSWORD_MAX
      ? await verifyPassword(row?.hash ?? null, password)
      : false;
  if (!ok) throw new DomainError("forbidden", "wallet.wrongPassword", "password");
}
