import common from "./common-passwords.json";

/**
 * What a new password must be. Length is counted in characters (code points). The upper bound keeps
 * argon2's input small: a megabyte "password" would cost real CPU on every login attempt.
 * These rules apply when a password is set; existing passwords keep working at login.
 */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

const COMMON = new Set<string>(common);

/** Case, width and spaces do not make a common password uncommon: "Pass Word 123" is "password123". */
export function normalisePassword(password: string): string {
  return password.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
}

/** Whether the password is on the common-passwords list (lib/auth/common-passwords.json) or one character repeated. */
export function isCommonPassword(password: string): boolean {
  const n = normalisePassword(password);
  return COMMON.has(n) || (n.length > 0 && [...n].every((c) => c === n[0]));
}

/** Whose password it is: their user name and phone number are the first guesses at it. */
export type PasswordOwner = { username: string; phone?: string | null };

/**
 * Whether the password is, or contains, the owner's user name or phone number, compared as
 * `normalisePassword` compares (case, width and spaces ignored: "Alice 2026!" contains "alice").
 */
export function containsOwnName(password: string, owner: PasswordOwner): boolean {
  const n = normalisePassword(password);
  return [owner.username, owner.phone ?? ""].map(normalisePassword).some((name) => name !== "" && n.includes(name));
}

/**
 * Why a new password is refused, as a message code (messages/<locale>/errors.json, whose texts
 * state the limits above), or null when it is acceptable. With its `owner`, a password that
 * contains their user name or phone number is refused too.
 */
export function passwordProblem(password: string, owner?: PasswordOwner): string | null {
  const length = [...password].length;
  if (length === 0) return "password.required";
  if (length < PASSWORD_MIN) return "password.tooShort";
  if (length > PASSWORD_MAX) return "password.tooLong";
  if (isCommonPassword(password)) return "password.common";
  if (owner && containsOwnName(password, owner)) return "password.containsName";
  return null;
}
