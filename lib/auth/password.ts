import { hash, verify, type Algorithm, type Options } from "@node-rs/argon2";
import { hashGate } from "./hash-gate";

/**
 * argon2id at OWASP's minimum profile: 19 MiB of memory, 2 passes, one lane.
 * `Algorithm` is an ambient const enum (unusable under isolatedModules); 2 is Argon2id.
 */
export const ARGON2_OPTIONS: Options = {
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export { PASSWORD_MAX, PASSWORD_MIN } from "./password-rules";

/**
 * Hashes a password with argon2id; the salt and parameters are encoded in the result. Waits for a
 * slot of the process's hash gate (./hash-gate.ts), or throws BusyError when too many wait.
 */
export function hashPassword(password: string): Promise<string> {
  return hashGate.run(() => hash(password, ARGON2_OPTIONS));
}

// Verified against when the user does not exist, so an unknown name costs as much time as a
// wrong password and the response time does not reveal which names are registered.
let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  dummyHash ??= hash("freeline-dummy-password-never-matches", ARGON2_OPTIONS);
  return dummyHash;
}

/**
 * Checks a password against a stored hash. Pass `null` for an unknown user: a dummy hash is
 * verified instead and the result is always false. Through the hash gate, like `hashPassword`.
 */
export function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  return hashGate.run(() => verifyUngated(storedHash, password));
}

async function verifyUngated(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    await verify(await getDummyHash(), password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    // A malformed stored hash is a failed login, not a crash.
    return false;
  }
}
