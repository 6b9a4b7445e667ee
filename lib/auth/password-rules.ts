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

/** The reason a new password is refused, as the user reads it, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length === 0) return "请输入密码";
  if (length < PASSWORD_MIN) return `密码至少需要 ${PASSWORD_MIN} 个字符 / at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `密码最多 ${PASSWORD_MAX} 个字符 / at most ${PASSWORD_MAX} characters`;
  if (isCommonPassword(password)) return "这个密码太常见，很容易被猜中，请换一个 / this password is too common";
  return null;
}
