import "server-only";
import { createHash } from "node:crypto";
import { and, eq, or, sql, type SQLWrapper } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/db";
import { builtOnce } from "@/db/prepared";
import { apiIdempotency, apiKeys, MAX_ORDER_FEN, merchants, ruleVersions, users, type Merchant, type RuleVersion } from "@/db/schema";
import { ApiKeyRefused, type PresentedApiKey } from "./keys";
import { customerAccountIds, customerAccountsOf } from "@/lib/ledger";
import { approvedStoreOf, currentRule } from "@/lib/merchants/store";
import { insertPaidOrder } from "@/lib/orders/create";
import { applyPayment } from "@/lib/orders/pay";
import { ApiProblem } from "./problem";

/**
 * `POST /api/v1/orders`: the body. Amounts are integer fen, the unit a machine cannot get wrong
 * ("12.34" strings and floats are refused). Unknown fields are refused too, so a typo such as
 * `amount` instead of `amount_fen` is an error and not a silently different order.
 */
export const posOrderSchema = z.strictObject({
  /** The customer's phone number or user name, as they registered it (any case). */
  customer: z
    .string({ error: "customer must be a phone number or user name" })
    .trim()
    .toLowerCase()
    .min(1, "customer must be a phone number or user name")
    .max(64, "customer must be a phone number or user name"),
  amount_fen: z
    .number({ error: "amount_fen must be an integer number of fen" })
    .int("amount_fen must be an integer number of fen")
    .positive("amount_fen must be positive")
    .max(MAX_ORDER_FEN, `amount_fen may be at most ${MAX_ORDER_FEN} (¥1,000,000)`),
  /** The POS's own reference for the payment (receipt or transaction number), kept on the order. */
  pos_ref: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .regex(/^[\x20-\x7e]+$/, "pos_ref must be printable ASCII")
    .optional(),
});

export type PosOrderInput = z.output<typeof posOrderSchema>;

export type PosOrderEntry = { id: number; position: number; target_fen: number };

/** The 201 body, stored as the idempotent response. */
export type PosOrderResponse = {
  order_no: string;
  status: "paid";
  amount_fen: number;
  points_earned: number;
  pos_ref: string | null;
  /** Queue entries, each with its place in line when the order was confirmed. */
  entries: PosOrderEntry[];
  created_at: string;
};

export type PosOrderResult = {
  status: number;
  body: PosOrderResponse;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
  /** Set on a fresh order whose payment made the pool cover the head of an auto queue. */
  drainQueueId: number | null;
  /** The API key's row when the claim checked a presented key (its use is recorded after commit). */
  apiKey: { id: number; lastUsedAt: Date | null } | null;
};

/**
 * The body with its fields in the documented order. jsonb keeps keys in its own order, so a replay
 * rebuilt this way reads exactly like the first answer.
 */
function inFieldOrder(b: PosOrderResponse): PosOrderResponse {
  return {
    order_no: b.order_no,
    status: b.status,
    amount_fen: b.amount_fen,
    points_earned: b.points_earned,
    pos_ref: b.pos_ref,
    entries: b.entries.map((e) => ({ id: e.id, position: e.position, target_fen: e.target_fen })),
    created_at: b.created_at,
  };
}

/** The request as compared for idempotency: after parsing, so spacing, key order and case don't count. */
function requestHash(input: PosOrderInput): string {
  const canonical = JSON.stringify(["pos-order/v1", input.customer, input.amount_fen, input.pos_ref ?? null]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** The customer a request names (phone or user name), as a CTE of the claim's statement. */
function customerCte(db: Db) {
  const name = sql.placeholder("customer");
  return db.$with("customer").as(
    db
      .select({ id: users.id })
      .from(users)
      .where(or(eq(users.username, name), eq(users.phone, name)))
      .limit(1),
  );
}
type CustomerCte = ReturnType<typeof customerCte>;

type ClaimRead = {
  claimed: boolean;
  customerId: number | null;
  customerAccounts: Record<string, number> | null;
  merchant: Merchant;
  rule: RuleVersion | null;
  /** The key's row, when the statement checked a presented key. */
  key?: { id: number; lastUsedAt: Date | null };
};

/**
 * What both claims read: whether this request claimed the key, the customer with their account ids,
 * and the store with its current rule. In the outer select, whose columns drizzle qualifies (a
 * one-table select names them bare, and a bare "id" inside the subquery would be the account's).
 */
function claimRead(claim: SQLWrapper, customer: CustomerCte) {
  return {
    claimed: sql<boolean>`exists (select 1 from ${claim})`,
    customerId: customer.id,
    customerAccounts: customerAccountIds(customer.id),
    merchant: merchants,
    rule: ruleVersions,
  };
}

/** The values both claims take, by placeholder name. */
type ClaimValues = { customer: string; key: string; hash: string };

/**
 * The claim for a caller already authenticated (the till, tests): the merchant is known. Merchants
 * are never deleted and every caller names an existing one, so the row is there.
 * Built once (db/prepared.ts): every value is a placeholder, so the text is the same for every order.
 */
const claimByMerchantQuery = builtOnce("pos_claim", (db) => {
  const customer = customerCte(db);
  const claim = db.$with("claim").as(
    db
      .insert(apiIdempotency)
      .values({
        merchantId: sql.placeholder("merchantId"),
        key: sql.placeholder("key"),
        requestHash: sql.placeholder("hash"),
        status: 0,
        response: {},
      })
      .onConflictDoNothing({ target: [apiIdempotency.merchantId, apiIdempotency.key] })
      .returning({ key: apiIdempotency.key }),
  );
  return db
    .with(claim, customer)
    .select(claimRead(claim, customer))
    .from(merchants)
    .leftJoin(ruleVersions, currentRule)
    .leftJoin(customer, sql`true`)
    .where(eq(merchants.id, sql.placeholder("merchantId")));
});

async function claimByMerchant(tx: Tx, merchantId: number, values: ClaimValues): Promise<ClaimRead> {
  const [read] = await claimByMerchantQuery(tx, { ...values, merchantId });
  if (!read) throw new Error(`merchant ${merchantId} of an API key not found`);
  return read;
}

/**
 * The claim with the API key checked in the same statement (the POS route): the key's row found by
 * its public prefix, its stored SHA-256 compared with the presented secret's, revoked keys and
 * unapproved stores refused, and the Idempotency-Key claimed only when all of that holds. One round
 * trip and one statement per order fewer than verifying the key first. Built once, as above.
 *
 * The digests are compared by Postgres's `=`, not in constant time. What timing could leak is how
 * much of the stored digest a guess's digest matches; a guess's digest cannot be steered, and the
 * digest of a 238-bit random secret does not lead back to the secret.
 */
const claimByKeyQuery = builtOnce("pos_claim_key", (db) => {
  const customer = customerCte(db);
  const keyRow = db.$with("presented").as(
    db
      .select({
        keyId: apiKeys.id,
        keyMerchantId: apiKeys.merchantId,
        lastUsedAt: apiKeys.lastUsedAt,
        keyOk: sql<boolean>`(${apiKeys.secretHash} = ${sql.placeholder("secretHash")} and ${apiKeys.revokedAt} is null)`.as("key_ok"),
      })
      .from(apiKeys)
      .where(eq(apiKeys.prefix, sql.placeholder("prefix")))
      .limit(1),
  );
  // insert … select, so that nothing is claimed for a refused key or store. The columns are the
  // table's, in its order (drizzle lists them all for a select given as SQL).
  const claim = db.$with("claim").as(
    db
      .insert(apiIdempotency)
      .select(
        sql`select p.merchant_id, ${sql.placeholder("key")}, ${sql.placeholder("hash")}, 0, '{}'::jsonb, now()
            from presented p join merchants m on m.id = p.merchant_id
            where p.key_ok and m.status = 'approved' and m.queue_id is not null`,
      )
      .onConflictDoNothing({ target: [apiIdempotency.merchantId, apiIdempotency.key] })
      .returning({ key: apiIdempotency.key }),
  );
  return db
    .with(keyRow, claim, customer)
    .select({
      keyId: keyRow.keyId,
      keyOk: keyRow.keyOk,
      lastUsedAt: keyRow.lastUsedAt,
      ...claimRead(claim, customer),
    })
    .from(keyRow)
    .innerJoin(merchants, eq(merchants.id, keyRow.keyMerchantId))
    .leftJoin(ruleVersions, currentRule)
    .leftJoin(customer, sql`true`);
});

async function claimByKey(tx: Tx, presented: PresentedApiKey, values: ClaimValues): Promise<ClaimRead> {
  const [read] = await claimByKeyQuery(tx, { ...values, prefix: presented.prefix, secretHash: presented.secretHash });
  if (!read?.keyOk) throw new ApiKeyRefused("unauthenticated");
  if (read.merchant.status !== "approved" || read.merchant.queueId === null) throw new ApiKeyRefused("not_approved");
  return { ...read, key: { id: read.keyId, lastUsedAt: read.lastUsedAt } };
}

/**
 * Creates a POS order and confirms it in the same transaction: the customer paid at the counter.
 * The Idempotency-Key is per store: the first request's response is stored in api_idempotency in
 * this transaction, a repeat with the same body gets it back (nothing is posted again), and a
 * repeat with another body is a 409. Concurrent requests with one key serialise on that row's
 * unique index: the second waits for the first to commit, then replays its response.
 * Failed requests store nothing, so they may be retried with the same key.
 */
export async function createPosOrder(
  tx: Tx,
  args: ({ merchantId: number } | { presented: PresentedApiKey }) & { idempotencyKey: string; input: PosOrderInput },
): Promise<PosOrderResult> {
  const { idempotencyKey: key, input } = args;
  const hash = requestHash(input);

  // One statement before the queue lock: claim the key, and read the customer (with their account
  // ids) and the store with its current rule. The checks follow in the order of the statements they
  // replace: the API key (when presented), a replay, then the customer, then the store.
  const values: ClaimValues = { customer: input.customer, key, hash };
  const read =
    "presented" in args ? await claimByKey(tx, args.presented, values) : await claimByMerchant(tx, args.merchantId, values);
  const merchantId = read.merchant.id;

  if (!read.claimed) {
    // A concurrent holder of the key made the claim wait until it committed. The stored answer is
    // read by a statement of its own: the claim's statement saw the database as it was before the
    // wait.
    const [prior] = await tx
      .select()
      .from(apiIdempotency)
      .where(and(eq(apiIdempotency.merchantId, merchantId), eq(apiIdempotency.key, key)))
      .limit(1);
    if (!prior) throw new Error(`idempotency record ${merchantId}/${key} vanished`);
    if (prior.requestHash !== hash) {
      throw new ApiProblem(
        "idempotency_conflict",
        "this Idempotency-Key was already used with a different request body; use a new key for a new order",
      );
    }
    return { status: prior.status, body: inFieldOrder(prior.response as PosOrderResponse), replayed: true, drainQueueId: null, apiKey: read.key ?? null };
  }

  // Thrown errors roll the transaction back, the claim with it: the key may be used again.
  if (read.customerId === null) {
    throw new ApiProblem("unknown_customer", "no registered customer has this phone number or user name", { field: "customer" });
  }
  const store = approvedStoreOf(read);
  const accounts = customerAccountsOf(read.customerId, read.customerAccounts);

  // Paid at the counter: the order is inserted paid, and the payment applied at once.
  const order = await insertPaidOrder(tx, store, {
    customerId: read.customerId,
    amountFen: input.amount_fen,
    // Scoped by store and marked as POS, so it can never meet a key from the web checkout.
    idempotencyKey: `pos:${merchantId}:${key}`,
    provider: "pos",
    providerRef: input.pos_ref ?? `pos:${key}`,
  });
  // The answer is stored in the statement that posts and appends, from the entries it placed: their
  // ids and places exist only there. jsonb keeps no key order; inFieldOrder restores it on replay.
  const rest: Omit<PosOrderResponse, "entries"> = {
    order_no: order.orderNo,
    status: "paid",
    amount_fen: order.amountFen,
    points_earned: order.pointsEarned,
    pos_ref: input.pos_ref ?? null,
    created_at: order.createdAt.toISOString(),
  };
  const paid = await applyPayment(
    tx,
    order,
    { freeBps: store.rule.freeBps, unitCapFen: store.rule.unitCapFen, minOrderFen: store.rule.minOrderFen },
    {
      customerAccounts: accounts,
      alsoWith: (placed) => sql`pos_answer as (
        update api_idempotency
        set status = 201,
            response = ${JSON.stringify(rest)}::jsonb || jsonb_build_object('entries', coalesce(
              (select jsonb_agg(jsonb_build_object('id', p.id, 'position', p.place, 'target_fen', p.target_fen) order by p.position)
               from ${placed} p),
              '[]'::jsonb))
        where merchant_id = ${merchantId} and key = ${key})`,
    },
  );
  // The same values as stored: places in line as SPEC shows them (waiting entries ahead + 1),
  // exact at commit, read under the queue lock from its counters.
  const body = inFieldOrder({
    ...rest,
    entries: paid.entries.map((e) => ({ id: e.id, position: e.place, target_fen: e.targetFen })),
  });
  return { status: 201, body, replayed: false, drainQueueId: paid.result.drainDue ? paid.result.queueId : null, apiKey: read.key ?? null };
}
