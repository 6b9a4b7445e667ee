import { randomBytes } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db, pool } from "@/db";
import { DomainError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "./password";
import { registerCustomer } from "./users";

// Every argon2 call the code makes, counted: how many, and how many at once.
const argon = vi.hoisted(() => ({ calls: 0, running: 0, peak: 0 }));
vi.mock("@node-rs/argon2", async (importOriginal) => {
  const real = await importOriginal<typeof import("@node-rs/argon2")>();
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      argon.calls += 1;
      argon.running += 1;
      argon.peak = Math.max(argon.peak, argon.running);
      try {
        return await fn(...args);
      } finally {
        argon.running -= 1;
      }
    };
  return { ...real, hash: counted(real.hash), verify: counted(real.verify) };
});

const tag = randomBytes(4).toString("hex");
const PASSWORD = "quiet-meadow-41";

beforeEach(() => {
  argon.calls = 0;
  argon.peak = 0;
});

afterAll(async () => {
  await pool().end();
});

describe("registration under a flood", () => {
  it("refuses a name or phone number already taken before hashing its password", async () => {
    const phone = `139${String(Number.parseInt(tag, 16) % 1e8).padStart(8, "0")}`;
    await db.transaction((tx) => registerCustomer(tx, { identifier: `taken_${tag}`, password: PASSWORD }));
    await db.transaction((tx) => registerCustomer(tx, { identifier: phone, password: PASSWORD }));
    argon.calls = 0;
    for (const identifier of [`taken_${tag}`, `TAKEN_${tag}`, phone]) {
      const err = await db.transaction((tx) => registerCustomer(tx, { identifier, password: PASSWORD })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: "conflict", message: "identifier.taken", field: "identifier" });
    }
    expect(argon.calls).toBe(0);
  });

  it("runs no more argon2 hashes at once than the process allows, however many arrive together", async () => {
    const { HASH_SLOTS } = await import("./hash-gate");
    const hashes = await Promise.all(Array.from({ length: HASH_SLOTS + 6 }, (_, i) => hashPassword(`flood password ${i}`)));
    expect(argon.calls).toBe(HASH_SLOTS + 6);
    expect(argon.peak).toBeLessThanOrEqual(HASH_SLOTS);
    // Verifying (every login) goes through the same gate.
    argon.peak = 0;
    const checks = await Promise.all(hashes.map((h, i) => verifyPassword(h, `flood password ${i}`)));
    expect(checks.every(Boolean)).toBe(true);
    expect(argon.peak).toBeLessThanOrEqual(HASH_SLOTS);
  });
});
