import { randomBytes } from "node:crypto";
import { count, eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, pool } from "@/db";
import { accounts, users } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { CUSTOMER_KINDS } from "@/lib/ledger/accounts";
import { createUserWithRole, endAllSessions, findUserForLogin, registerCustomer, verifyCredentials } from "./users";

// Names are unique per run, so the test also passes against a database that already has users.
const tag = randomBytes(4).toString("hex");
const name = (s: string) => `${s}_${tag}`;
/** A valid, run-unique mainland phone number. */
function phone(): string {
  return `139${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, "0")}`;
}

async function userCount(): Promise<number> {
  const [r] = await db.select({ n: count() }).from(users);
  return r!.n;
}
async function accountCount(): Promise<number> {
  const [r] = await db.select({ n: count() }).from(accounts);
  return r!.n;
}

afterAll(async () => {
  await pool().end();
});

describe("registerCustomer", () => {
  it("registers a user name, lower-cased, with every customer account", async () => {
    const u = await db.transaction((tx) =>
      registerCustomer(tx, { identifier: `  ${name("Alice").toUpperCase()} `, password: "correct horse battery" }),
    );
    expect(u.username).toBe(name("alice"));
    expect(u.role).toBe("customer");
    expect(u.displayName).toBe(name("alice"));

    const [row] = await db.select().from(users).where(eq(users.id, u.id));
    expect(row!.phone).toBeNull();
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const kinds = await db.select({ kind: accounts.kind, asset: accounts.asset }).from(accounts).where(eq(accounts.userId, u.id));
    expect(kinds.map((k) => `${k.kind}:${k.asset}`).sort()).toEqual(CUSTOMER_KINDS.map((k) => `${k.kind}:${k.asset}`).sort());
  });

  it("stores a phone number as both user name and phone, and masks it in the display name", async () => {
    const p = phone();
    const u = await db.transaction((tx) => registerCustomer(tx, { identifier: p, password: "quiet-meadow-41" }));
    const [row] = await db.select().from(users).where(eq(users.id, u.id));
    expect(row!.username).toBe(p);
    expect(row!.phone).toBe(p);
    expect(row!.displayName).toBe(`${p.slice(0, 3)}****${p.slice(7)}`);
  });

  it("keeps a chosen display name", async () => {
    const u = await db.transaction((tx) =>
      registerCustomer(tx, { identifier: name("bob"), password: "quiet-meadow-41", displayName: "  小明 " }),
    );
    expect(u.displayName).toBe("小明");
  });

  it("refuses a taken name, in any case, and writes nothing", async () => {
    await db.transaction((tx) => registerCustomer(tx, { identifier: name("carol"), password: "quiet-meadow-41" }));
    const usersBefore = await userCount();
    const accountsBefore = await accountCount();

    const err = await db
      .transaction((tx) => registerCustomer(tx, { identifier: name("CAROL"), password: "another password" }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("conflict");
    expect((err as DomainError).field).toBe("identifier");
    expect((err as DomainError).status).toBe(409);

    expect(await userCount()).toBe(usersBefore);
    expect(await accountCount()).toBe(accountsBefore);
  });

  it("refuses a phone already registered, even as another user's phone", async () => {
    const p = phone();
    await db.transaction((tx) =>
      createUserWithRole(tx, { username: name("shop"), phone: p, password: "quiet-meadow-41", role: "merchant", displayName: "店主" }),
    );
    const err = await db
      .transaction((tx) => registerCustomer(tx, { identifier: p, password: "quiet-meadow-41" }))
      .catch((e: unknown) => e);
    expect((err as DomainError).code).toBe("conflict");
  });

  it.each([
    ["ab", "identifier"],
    ["has space", "identifier"],
    ["中文名字", "identifier"],
    ["12345678901", "identifier"], // 11 digits but not a mainland mobile number
  ])("rejects the identifier %j before writing", async (identifier, field) => {
    const before = await userCount();
    const err = await db
      .transaction((tx) => registerCustomer(tx, { identifier, password: "quiet-meadow-41" }))
      .catch((e: unknown) => e);
    expect((err as DomainError).code).toBe("invalid_input");
    expect((err as DomainError).field).toBe(field);
    expect(await userCount()).toBe(before);
  });

  it("rejects passwords shorter than 10 or longer than 128 characters, and common ones", async () => {
    for (const password of ["123456789", "short-pw", "x".repeat(129), "Password123", "QWERTY uiop", "zzzzzzzzzzzz"]) {
      const err = await db
        .transaction((tx) => registerCustomer(tx, { identifier: name("dave"), password }))
        .catch((e: unknown) => e);
      expect((err as DomainError).field).toBe("password");
    }
    expect(await findUserForLogin(db, name("dave"))).toBeNull();
  });

  it("refuses a password that is or contains the user name or the phone number, whatever its case", async () => {
    const username = name("hank");
    const p = phone();
    for (const [identifier, password] of [
      [username, `${username.toUpperCase()}`.padEnd(12, "!")],
      [username, `my ${username.toUpperCase()} pass`],
      [p, p],
      [p, `pass-${p}-word`],
    ] as const) {
      const err = await db.transaction((tx) => registerCustomer(tx, { identifier, password })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "invalid_input", message: "password.containsName", field: "password" });
      expect(await findUserForLogin(db, identifier)).toBeNull();
    }
  });
});

describe("verifyCredentials", () => {
  it("accepts the right password by user name or phone, and refuses a wrong one", async () => {
    const p = phone();
    const u = await db.transaction((tx) =>
      createUserWithRole(tx, { username: name("erin"), phone: p, password: "s3cret-pass", role: "operator", displayName: "Erin" }),
    );
    expect(await verifyCredentials(db, name("ERIN"), "s3cret-pass")).toEqual({ id: u.id, role: "operator", displayName: "Erin", sessionVersion: 0 });
    expect(await verifyCredentials(db, p, "s3cret-pass")).toMatchObject({ id: u.id });
    expect(await verifyCredentials(db, name("erin"), "s3cret-pasS")).toBeNull();
    expect(await verifyCredentials(db, name("erin"), "")).toBeNull();
    expect(await verifyCredentials(db, name("nobody"), "s3cret-pass")).toBeNull();
  });

  it("hands out the session version that endAllSessions bumps (logout ends every older token)", async () => {
    const u = await db.transaction((tx) =>
      createUserWithRole(tx, { username: name("gina"), password: "gina-pass-2026", role: "customer", displayName: "Gina" }),
    );
    expect((await verifyCredentials(db, name("gina"), "gina-pass-2026"))?.sessionVersion).toBe(0);
    await endAllSessions(db, u.id);
    await endAllSessions(db, u.id);
    expect((await verifyCredentials(db, name("gina"), "gina-pass-2026"))?.sessionVersion).toBe(2);
  });

  it("gives merchants and operators customer accounts too", async () => {
    const u = await db.transaction((tx) =>
      createUserWithRole(tx, { username: name("frank"), password: "quiet-meadow-41", role: "merchant", displayName: "Frank" }),
    );
    const rows = await db.select({ id: accounts.id }).from(accounts).where(inArray(accounts.userId, [u.id]));
    expect(rows).toHaveLength(CUSTOMER_KINDS.length);
  });
});
