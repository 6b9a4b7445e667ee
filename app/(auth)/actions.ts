"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signIn, signOut } from "@/auth";
import { db } from "@/db";
import { validatedAction } from "@/lib/auth/action";
import { clientAddress } from "@/lib/auth/client-address";
import { recordConsent } from "@/lib/auth/consent";
import { getViewer } from "@/lib/auth/session";
import { homePathFor, safeNextPath } from "@/lib/auth/next-path";
import { PASSWORD_MAX } from "@/lib/auth/password";
import {
  displayNameSchema,
  endAllSessions,
  findUserForLogin,
  identifierSchema,
  insertPreparedUser,
  parseIdentifier,
  passwordSchema,
  PHONE_RE,
  prepareCustomer,
} from "@/lib/auth/users";
import { BusyError } from "@/lib/auth/hash-gate";
import { containsOwnName } from "@/lib/auth/password-rules";
import { checkSmsCode, consumeSmsCode, sendSmsCode } from "@/lib/auth/sms-code";
import { admitAttempt, loginThrottle, registrationBucket, throttled } from "@/lib/auth/throttle";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { log } from "@/lib/observability/log";

const WRONG_CREDENTIALS = "auth.wrongCredentials";

/**
 * Signs in through Auth.js without letting it redirect, so a wrong password comes back as a
 * field error. Inside an action signIn can also throw Next's redirect: anything that is not an
 * AuthError is re-thrown untouched.
 */
async function signInWithPassword(identifier: string, password: string): Promise<void> {
  try {
    await signIn("credentials", { identifier, password, redirect: false });
  } catch (e) {
    if (e instanceof CredentialsSignin) throw new DomainError("unauthenticated", WRONG_CREDENTIALS, "password");
    // Auth.js wraps what authorize() threw; a full hash gate is "busy, try again", not a failure.
    if (e instanceof AuthError && (e.cause as { err?: unknown } | undefined)?.err instanceof BusyError) throw (e.cause as { err: BusyError }).err;
    if (e instanceof AuthError) {
      log.error({ err: e }, "sign-in failed");
      throw new DomainError("unavailable", "auth.unavailable");
    }
    throw e;
  }
}

const loginSchema = z.object({
  identifier: z.string().trim().min(1, "identifier.required").max(64, WRONG_CREDENTIALS),
  password: z.string().min(1, "password.required").max(PASSWORD_MAX, WRONG_CREDENTIALS),
  next: z.string().optional(),
});

/** The client address for throttling: only from the configured trusted proxy header (lib/env.ts). */
async function requestAddress(): Promise<string> {
  return clientAddress(await headers(), { header: env.TRUSTED_PROXY_HEADER, hops: env.TRUSTED_PROXY_HOPS });
}

/**
 * Wrong passwords are throttled per login name and per client address, or slowed down globally
 * when the address is unknown (lib/auth/throttle.ts). A name nobody registered is throttled exactly
 * like a real one, and gets the same messages.
 */
export const login = validatedAction(loginSchema, "public", async (data) => {
  const { buckets, slowDown } = loginThrottle(data.identifier, await requestAddress());
  await throttled(db, buckets, "password", () => signInWithPassword(data.identifier, data.password), slowDown);
  const next = safeNextPath(data.next);
  if (next) redirect(next);
  const user = await findUserForLogin(db, data.identifier);
  redirect(user ? homePathFor(user.role) : "/");
});

const registerSchema = z
  .object({
    identifier: identifierSchema,
    password: passwordSchema,
    confirm: z.string().min(1, "password.confirmRequired"),
    displayName: displayNameSchema.optional(),
    // The box is never ticked for the person (PIPL art. 14: consent is their own act).
    consent: z.literal("on", { error: "privacy.consentRequired" }),
    /** The SMS code: required when the identifier is a phone number (the number must be the registrant's). */
    code: z.string().trim().max(10, "sms.codeInvalid").optional(),
    next: z.string().optional(),
  })
  .refine((d) => d.password === d.confirm, { message: "password.mismatch", path: ["confirm"] })
  // Said next to the password field before anything runs; registerCustomer checks it again. zod
  // runs this even when a field failed, so either may still be missing here.
  .refine((d) => typeof d.password !== "string" || typeof d.identifier !== "string" || !containsOwnName(d.password, { username: d.identifier }), {
    message: "password.containsName",
    path: ["password"],
  });

/**
 * Registrations count per client address, or in one bucket for every unknown address
 * (lib/auth/throttle.ts), before anything else runs; then the name is checked and the password
 * hashed outside the transaction that writes the user.
 */
export const register = validatedAction(registerSchema, "public", async (data) => {
  await admitAttempt(db, [registrationBucket(await requestAddress())], "identifier", "auth.tooManyRegistrations");
  const { phone } = parseIdentifier(data.identifier);
  if (phone && !data.code) throw new DomainError("invalid_input", "sms.codeRequired", "code");
  // A phone number is registered only with the code sent to it, used up with the registration.
  const codeId = phone ? await checkSmsCode(phone, "register", data.code!) : null;
  const user = await prepareCustomer(db, { identifier: data.identifier, password: data.password, displayName: data.displayName });
  await db.transaction(async (tx) => {
    if (codeId !== null) await consumeSmsCode(tx, codeId);
    const created = await insertPreparedUser(tx, user);
    await recordConsent(tx, created.id);
  });
  await signInWithPassword(data.identifier, data.password);
  redirect(safeNextPath(data.next) ?? "/me");
});

const phoneSchema = z.object({ phone: z.string().trim().regex(PHONE_RE, "sms.phone") });

/** Sends the registration code to a phone number not registered yet (throttled, lib/auth/sms-code.ts). */
export const sendRegisterCodeAction = validatedAction(phoneSchema, "public", async (data) => {
  return sendSmsCode({ phone: data.phone, purpose: "register", address: await requestAddress() });
});

/** Sends a password-reset code; a number with no account gets the same answer and no SMS. */
export const sendResetCodeAction = validatedAction(phoneSchema, "public", async (data) => {
  return sendSmsCode({ phone: data.phone, purpose: "reset", address: await requestAddress() });
});

/**
 * Ends the session and goes home. The user's session version is bumped first, so this token and
 * every other one issued to the user (another device, a copied cookie) stop working at once.
 */
export async function logout(): Promise<void> {
  const viewer = await getViewer();
  if (viewer) await endAllSessions(db, viewer.userId);
  await signOut({ redirectTo: "/" });
}
