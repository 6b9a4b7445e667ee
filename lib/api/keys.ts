import "server-only";
import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Db, type Tx } from "@/db";
import { preparedName } from "@/db/prepared";
import { apiKeys, merchants, type Merchant } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { log } from "@/lib/observability/log";

/**
 * Per-merchant POS API keys. A key reads `fl_<prefix>_<secret>`:
 * - the prefix (8 base62 characters) is public: it is shown in the console and finds the row;
 * - the secret (40 base62 characters, about 238 random bits) is shown once and only its SHA-256 is
 *   stored.
 *
 * Why SHA-256 and not argon2 like passwords: a slow hash protects guessable, low-entropy secrets
 * against an attacker holding the hash. A 238-bit random secret cannot be guessed, fast hash or
 * not, and a memory-hard hash would add tens of milliseconds and 19 MiB to every POS call.
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const PREFIX_LENGTH = 8;
export const SECRET_LENGTH = 40;
/** Active (unrevoked) keys a store may hold at once. */
export const MAX_ACTIVE_KEYS = 20;
/** last_used_at is refreshed at most this often, so a busy POS does not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export const API_KEY_RE = /^fl_([0-9A-Za-z]{8})_([0-9A-Za-z]{32,64})$/;

/** Uniform base62 characters from the CSPRNG (randomInt rejects biased draws itself). */
function randomBase62(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += BASE62[randomInt(BASE62.length)];
  return s;
}

function sha256Hex(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}

export const keyNameSchema = z
  .string()
  .trim()
  .min(1, "apiKey.nameRequired")
  .refine((s) => [...s].length <= 64, "apiKey.nameTooLong")
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), "apiKey.nameInvisible");

export type CreatedApiKey = {
  id: number;
  name: string;
  prefix: string;
  /** The full key, `fl_<prefix>_<secret>`. Returned here once and never stored. */
  token: string;
  createdAt: Date;
};

/** Creates a key for a store; the full token is in the result and nowhere else. */
export async function createApiKey(
  conn: Db | Tx,
  args: { merchantId: number; createdByUserId: number; name: string },
): Promise<CreatedApiKey> {
  const name = keyNameSchema.parse(args.name);
  const [active] = await conn
    .select({ n: sql<number>`count(*)::int` })
    .from(apiKeys)
    .where(and(eq(apiKeys.merchantId, args.merchantId), isNull(apiKeys.revokedAt)));
  if ((active?.n ?? 0) >= MAX_ACTIVE_KEYS) {
    throw new DomainError("not_allowed", "apiKey.tooMany", "name", { max: MAX_ACTIVE_KEYS });
  }
  // 62^8 prefixes: a collision is very unlikely, but the unique index decides, and we draw again.
  for (let attempt = 0; attempt < 5; attempt++) {
    const prefix = randomBase62(PREFIX_LENGTH);
    const secret = randomBase62(SECRET_LENGTH);
    const [row] = await conn
      .insert(apiKeys)
      .values({ merchantId: args.merchantId, name, prefix, secretHash: sha256Hex(secret), createdByUserId: args.createdByUserId })
      .onConflictDoNothing({ target: apiKeys.prefix })
      .returning({ id: apiKeys.id, createdAt: apiKeys.createdAt });
    if (row) return { id: row.id, name, prefix, token: `fl_${prefix}_${secret}`, createdAt: row.createdAt };
  }
  throw new Error("could not draw an unused API key prefix");
}

export type ApiKeySummary = {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** A store's keys, newest first, without their hashes. */
export async function listApiKeys(merchantId: number, conn: Db | Tx = db): Promise<ApiKeySummary[]> {
  return conn
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.merchantId, merchantId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/**
 * Revokes one of the store's own keys, at once and for good. Revoking an already revoked key is a
 * no-op; another store's key (or an unknown id) is not found, so ids reveal nothing.
 */
export async function revokeApiKey(
  conn: Db | Tx,
  where: { merchantId: number; keyId: number },
): Promise<{ id: number; prefix: string; revokedAt: Date; alreadyRevoked: boolean }> {
  const [done] = await conn
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, where.keyId), eq(apiKeys.merchantId, where.merchantId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, prefix: apiKeys.prefix, revokedAt: apiKeys.revokedAt });
  if (done) return { id: done.id, prefix: done.prefix, revokedAt: done.revokedAt!, alreadyRevoked: false };
  const [row] = await conn
    .select({ id: apiKeys.id, prefix: apiKeys.prefix, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, where.keyId), eq(apiKeys.merchantId, where.merchantId)))
    .limit(1);
  if (!row?.revokedAt) throw new DomainError("not_found", "apiKey.notFound");
  return { id: row.id, prefix: row.prefix, revokedAt: row.revokedAt, alreadyRevoked: true };
}

/** Who an API key speaks for. */
export type ApiKeyPrincipal = {
  keyId: number;
  prefix: string;
  merchantId: number;
  merchantStatus: Merchant["status"];
  /** The store's queue; null only for a store that was never approved. */
  queueId: number | null;
};

/**
 * Checks a presented `fl_<prefix>_<secret>` token. Null when it is malformed, unknown, wrong or
 * revoked: callers answer 401 alike, so a caller learns nothing about which.
 */
export async function verifyApiKey(token: string, now = new Date()): Promise<ApiKeyPrincipal | null> {
  const presented = presentedApiKey(token);
  if (!presented) return null;
  const { prefix, secretHash } = presented;
  const [row] = await db
    .select({
      id: apiKeys.id,
      secretHash: apiKeys.secretHash,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      merchantId: apiKeys.merchantId,
      merchantStatus: merchants.status,
      queueId: merchants.queueId,
    })
    .from(apiKeys)
    .innerJoin(merchants, eq(merchants.id, apiKeys.merchantId))
    .where(eq(apiKeys.prefix, prefix))
    .limit(1)
    // Every POS request runs it: named (db/prepared.ts), one text for all.
    .prepare(preparedName("api_key_by_prefix_v1"))
    .execute();
  // The prefix is public, so how fast an unknown prefix fails reveals nothing worth hiding; the
  // secret is compared in constant time, on fixed-length digests.
  if (!row) return null;
  const given = Buffer.from(secretHash, "hex");
  const stored = Buffer.from(row.secretHash, "hex");
  if (stored.length !== given.length || !timingSafeEqual(given, stored)) return null;
  if (row.revokedAt !== null) return null;

  await noteKeyUse(row.id, row.lastUsedAt, now);
  return { keyId: row.id, prefix, merchantId: row.merchantId, merchantStatus: row.merchantStatus, queueId: row.queueId };
}

/**
 * A presented token taken apart without the database: its public prefix and the SHA-256 of its
 * secret, as stored. Null when it is not shaped like a key. The POS order route hands this to its
 * first statement, which checks it there (lib/api/orders.ts), instead of asking verifyApiKey first.
 */
export type PresentedApiKey = { token: string; prefix: string; secretHash: string };

export function presentedApiKey(token: string): PresentedApiKey | null {
  const m = API_KEY_RE.exec(token);
  if (!m) return null;
  const [, prefix, secret] = m as unknown as [string, string, string];
  return { token, prefix, secretHash: sha256Hex(secret) };
}

/** A presented API key a statement that checks it refused (lib/api/orders.ts): unknown, wrong or revoked (401), or its store not approved (403). */
export class ApiKeyRefused extends Error {
  constructor(readonly reason: "unauthenticated" | "not_approved") {
    super(`API key refused: ${reason}`);
    this.name = "ApiKeyRefused";
  }
}

/** Records a key's use when the last record is older than LAST_USED_RESOLUTION_MS. */
export async function noteKeyUse(keyId: number, lastUsedAt: Date | null, now = new Date()): Promise<void> {
  if (lastUsedAt === null || now.getTime() - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) await touchLastUsed(keyId);
}

/** At most one write a minute per key; concurrent callers race on the guard, and one wins. */
async function touchLastUsed(keyId: number): Promise<void> {
  try {
    await db.execute(sql`
      update api_keys set last_used_at = now()
      where id = ${keyId} and (last_used_at is null or last_used_at < now() - interval '1 minute')`);
  } catch (e) {
    // Bookkeeping only: a failed write must not refuse a valid key.
    log.warn({ keyId, err: e }, "could not record an API key's use");
  }
}
