import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, pool } from "@/db";
import { auditLog, users } from "@/db/schema";
import { DomainError, RateLimitError } from "@/lib/errors";
import { changePassword } from "./change-password";
import { registerCustomer, verifyCredentials } from "./users";

const tag = randomBytes(4).toString("hex");
const OLD = "first long pass 2026";
const NEW = "second long pass 2026";

async function newUser(label: string) {
  return db.transaction((tx) => registerCustomer(tx, { identifier: `${label}_${tag}`, password: OLD }));
}
async function snapshot(id: number) {
  const [u] = await db.select({ hash: users.passwordHash, version: users.sessionVersion }).from(users).where(eq(users.id, id));
  return u!;
}

afterAll(async () => {
  await pool().end();
});

describe("changePassword", () => {
  it("sets the new password, ends every session and writes the audit log", async () => {
    const u = await newUser("pw_ok");
    const before = await snapshot(u.id);
    await changePassword(db, u.id, OLD, NEW);
    const after = await snapshot(u.id);
    expect(after.hash).not.toBe(before.hash);
    expect(after.version).toBe(before.version + 1);
    expect(await verifyCredentials(db, u.username, OLD)).toBeNull();
    expect(await verifyCredentials(db, u.username, NEW)).toMatchObject({ id: u.id, sessionVersion: after.version });
    const audit = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.password_changed"), eq(auditLog.subjectId, String(u.id))));
    expect(audit[0]!.n).toBe(1);
  });

  it("refuses a wrong current password or the same password again, and changes nothing", async () => {
    const u = await newUser("pw_bad");
    const before = await snapshot(u.id);
    const wrong = await changePassword(db, u.id, "not the password at all", NEW).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(DomainError);
    expect((wrong as DomainError).field).toBe("password");
    const same = await changePassword(db, u.id, OLD, ` ${OLD.toUpperCase()} `).catch((e: unknown) => e);
    expect(same).toBeInstanceOf(DomainError);
    expect((same as DomainError).message).toBe("password.same");
    expect((same as DomainError).field).toBe("newPassword");
    expect(await snapshot(u.id)).toEqual(before);
  });

  it("refuses a new password that contains the user's name or phone number, and changes nothing", async () => {
    const u = await newUser("pw_name");
    const before = await snapshot(u.id);
    const err = await changePassword(db, u.id, OLD, `Secret ${u.username.toUpperCase()}!`).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: "password.containsName", field: "newPassword" });
    expect(await snapshot(u.id)).toEqual(before);
  });

  it("is throttled with the withdrawal password: the sixth wrong guess in 15 minutes is refused, even a right one", async () => {
    const u = await newUser("pw_throttle");
    for (let i = 0; i < 5; i++) await expect(changePassword(db, u.id, `wrong guess number ${i}`, NEW)).rejects.toBeInstanceOf(DomainError);
    await expect(changePassword(db, u.id, OLD, NEW)).rejects.toBeInstanceOf(RateLimitError);
    expect(await verifyCredentials(db, u.username, OLD)).not.toBeNull();
  });
});
