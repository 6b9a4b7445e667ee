import "server-only";
import { eq, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/db";
import { users, type User } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { openCustomerAccounts } from "@/lib/ledger";
import { hashPassword, PASSWORD_MAX, verifyPassword } from "./password";
import { passwordProblem, type PasswordOwner } from "./password-rules";

export type Role = User["role"];
export const ROLES = ["customer", "merchant", "operator"] as const satisfies readonly Role[];

/** A mainland mobile number. It doubles as the login name. */
export const PHONE_RE = /^1[3-9]\d{9}$/;
/** A login name after lower-casing. */
export const USERNAME_RE = /^[a-z0-9_]{3,32}$/;

// Message codes (messages/<locale>/errors.json), translated where they are shown.
const IDENTIFIER_MESSAGE = "identifier.format";

/** The login name as typed: trimmed and lower-cased, then a phone number or a user name. */
export const identifierSchema = z
  .string({ error: "identifier.required" })
  .trim()
  .toLowerCase()
  .min(1, "identifier.required")
  // Eleven digits is someone typing a phone number: a typo must not become a user name.
  .refine((s) => !/^\d{11}$/.test(s) || PHONE_RE.test(s), "identifier.phone")
  .refine((s) => /^\d{11}$/.test(s) || PHONE_RE.test(s) || USERNAME_RE.test(s), IDENTIFIER_MESSAGE);

/** A new password (lib/auth/password-rules.ts): length and not a common one. */
export const passwordSchema = z.string({ error: "password.required" }).superRefine((s, ctx) => {
  const problem = passwordProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Characters, as Postgres `length()` counts them (code points, not UTF-16 units). */
function charLength(s: string): number {
  return [...s].length;
}

export const displayNameSchema = z
  .string()
  .trim()
  .refine((s) => charLength(s) <= 64, "displayName.tooLong")
  // Control characters have no business in a name shown to other people.
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), "displayName.invisible");

type Executor = Db | Tx;

export type NewUser = Pick<User, "id" | "username" | "role" | "displayName">;

/** Splits a validated identifier into the username and, for phone numbers, the phone. */
export function parseIdentifier(raw: string): { username: string; phone: string | null } {
  const parsed = identifierSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DomainError("invalid_input", parsed.error.issues[0]?.message ?? IDENTIFIER_MESSAGE, "identifier");
  }
  const id = parsed.data;
  return PHONE_RE.test(id) ? { username: id, phone: id } : { username: id, phone: null };
}

/** 138****1234: a phone number shown in the top bar should not be shown in full. */
function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(7)}`;
}

function checkPassword(password: string, owner?: PasswordOwner): void {
  const problem = passwordProblem(password, owner);
  if (problem) throw new DomainError("invalid_input", problem, "password");
}

function checkDisplayName(raw: string | undefined, fallback: string): string {
  const parsed = displayNameSchema.safeParse(raw ?? "");
  if (!parsed.success) {
    throw new DomainError("invalid_input", parsed.error.issues[0]?.message ?? "displayName.invalid", "displayName");
  }
  return parsed.data === "" ? fallback : parsed.data;
}

/** A new user, checked and with the password hashed: ready for `insertPreparedUser`. */
export type PreparedUser = { username: string; phone: string | null; passwordHash: string; role: Role; displayName: string };

/**
 * Refuses a name (or phone number) that is already taken, before the password is hashed: argon2
 * costs tens of milliseconds of a core, and a taken name must not buy that. The insert's ON
 * CONFLICT still settles a race between two registrations of the same new name.
 */
async function ensureNameFree(ex: Executor, username: string, phone: string | null): Promise<void> {
  const [taken] = await ex
    .select({ id: users.id })
    .from(users)
    .where(or(eq(users.username, username), phone === null ? undefined : eq(users.phone, phone)))
    .limit(1);
  if (taken) throw new DomainError("conflict", "identifier.taken", "identifier");
}

async function prepare(
  ex: Executor,
  values: { username: string; phone: string | null; password: string; role: Role; displayName: string },
): Promise<PreparedUser> {
  await ensureNameFree(ex, values.username, values.phone);
  const { password, ...rest } = values;
  return { ...rest, passwordHash: await hashPassword(password) };
}

/** Writes a prepared user and opens their ledger accounts, in the caller's transaction. */
export async function insertPreparedUser(tx: Tx, values: PreparedUser): Promise<NewUser> {
  // ON CONFLICT DO NOTHING covers both unique indexes (username, phone) and a concurrent
  // registration of the same name, without aborting the caller's transaction.
  const [row] = await tx
    .insert(users)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: users.id, username: users.username, role: users.role, displayName: users.displayName });
  if (!row) throw new DomainError("conflict", "identifier.taken", "identifier");
  // Every user can shop, so every user gets customer accounts, in this same transaction.
  await openCustomerAccounts(tx, row.id);
  return row;
}

/**
 * Checks a new customer (identifier, password rules, display name, the name still free) and hashes
 * the password. Run it before the transaction, so no connection is held while argon2 waits for a
 * slot and runs (./hash-gate.ts).
 */
export async function prepareCustomer(
  ex: Executor,
  input: { identifier: string; password: string; displayName?: string },
): Promise<PreparedUser> {
  const { username, phone } = parseIdentifier(input.identifier);
  checkPassword(input.password, { username, phone });
  const displayName = checkDisplayName(input.displayName, phone ? maskPhone(phone) : username);
  return prepare(ex, { username, phone, password: input.password, role: "customer", displayName });
}

/** Registers a customer by phone or user name and opens their ledger accounts in the same transaction. */
export async function registerCustomer(
  tx: Tx,
  input: { identifier: string; password: string; displayName?: string },
): Promise<NewUser> {
  return insertPreparedUser(tx, await prepareCustomer(tx, input));
}

/**
 * Creates a user with any role (the demo seed); they get customer accounts too. The password rules
 * apply except the one against containing the user name: the demo accounts' published passwords
 * (`demo` / `demo-pass-2026`) break it, and nobody picks these passwords for themselves.
 */
export async function createUserWithRole(
  tx: Tx,
  input: { username: string; password: string; role: Role; displayName: string; phone?: string | null },
): Promise<NewUser> {
  const { username, phone: phoneFromName } = parseIdentifier(input.username);
  const phone = input.phone ?? phoneFromName;
  if (phone !== null && !PHONE_RE.test(phone)) {
    throw new DomainError("invalid_input", "identifier.phone", "phone");
  }
  checkPassword(input.password);
  const displayName = checkDisplayName(input.displayName, username);
  return insertPreparedUser(tx, await prepare(tx, { username, phone, password: input.password, role: input.role, displayName }));
}

export type LoginUser = Pick<User, "id" | "role" | "displayName" | "passwordHash" | "sessionVersion">;

/** The user an identifier (user name or phone, any case) logs in as, or null. */
export async function findUserForLogin(ex: Executor, identifier: string): Promise<LoginUser | null> {
  const id = identifier.trim().toLowerCase();
  if (id === "" || id.length > 64) return null;
  const [row] = await ex
    .select({
      id: users.id,
      role: users.role,
      displayName: users.displayName,
      passwordHash: users.passwordHash,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(or(eq(users.username, id), eq(users.phone, id)))
    .limit(1);
  return row ?? null;
}

/**
 * Checks a login. Unknown names verify against a dummy hash, so timing does not reveal which
 * names exist. Returns the user without the hash, or null.
 */
export async function verifyCredentials(
  ex: Executor,
  identifier: string,
  password: string,
): Promise<Omit<LoginUser, "passwordHash"> | null> {
  if (password.length === 0 || password.length > PASSWORD_MAX) {
    await verifyPassword(null, "");
    return null;
  }
  const user = await findUserForLogin(ex, identifier);
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !ok) return null;
  return { id: user.id, role: user.role, displayName: user.displayName, sessionVersion: user.sessionVersion };
}

/**
 * Ends every session of the user: tokens carry the version they were issued under, and
 * lib/auth/session.ts refuses any that no longer matches. Called on logout (and by anything that
 * changes a password).
 */
export async function endAllSessions(ex: Executor, userId: number): Promise<void> {
  await ex.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, userId));
}
