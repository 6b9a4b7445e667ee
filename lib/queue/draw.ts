import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { draws, payouts, queueEntries, queues } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { requireOperator } from "@/lib/roles";
import { post, walletAccounts } from "@/lib/ledger";
import { notifyEntriesFreed } from "@/lib/notifications/notify";
import { headTarget, lockQueue } from "./lock";

/** A single lucky draw pays at most ¥50,000 (SPEC: draws are disclosed and capped). */
export const DRAW_CAP_FEN = 5_000_000;

/** The audit log keeps the candidate ids themselves up to this many; beyond, their digest only. */
export const AUDIT_CANDIDATE_IDS = 1_000;

const RANDOM_BYTES = 6;
const RANDOM_RANGE = 2 ** (8 * RANDOM_BYTES); // 2^48, exact in a double

export type RandomPick = {
  /** The accepted random value, as drawn: 6 bytes, big-endian, in hex. */
  randomHex: string;
  /** index = value mod candidates. */
  index: number;
  /** How many draws were thrown away by rejection sampling (almost always 0). */
  rejected: number;
};

/**
 * Picks an index in [0, n) uniformly with a cryptographic random number generator.
 *
 * Why this is unbiased: a 48-bit value v is uniform on [0, 2^48). A plain `v mod n` would favour
 * small indexes whenever n does not divide 2^48, so values at or above the largest multiple of n
 * (limit = 2^48 − 2^48 mod n) are thrown away and drawn again. Conditioned on acceptance, v is
 * uniform on [0, limit), and each index i has exactly limit / n values v with v mod n = i, so every
 * index has probability exactly 1/n. (node's crypto.randomInt does the same internally, but does
 * not expose the value; keeping it lets anyone re-check index = value mod candidates from the record.)
 * A rejection happens with probability below n / 2^48, i.e. practically never.
 */
export function pickUniform(n: number, source: (size: number) => Buffer = randomBytes): RandomPick {
  if (!Number.isSafeInteger(n) || n < 1 || n > RANDOM_RANGE) throw new Error(`cannot draw among ${n} candidates`);
  const limit = RANDOM_RANGE - (RANDOM_RANGE % n);
  for (let rejected = 0; ; rejected++) {
    const buf = source(RANDOM_BYTES);
    if (buf.length !== RANDOM_BYTES) throw new Error("random source returned the wrong number of bytes");
    const value = buf.readUIntBE(0, RANDOM_BYTES);
    if (value < limit) return { randomHex: buf.toString("hex"), index: value % n, rejected };
  }
}

export type DrawResult = {
  drawId: number;
  queueId: number;
  entryId: number;
  /** The entry's queue position (its place in the queue's history, not "waiting ahead + 1"). */
  position: number;
  customerId: number;
  amountFen: number;
  capFen: number;
  poolBeforeFen: number;
  candidates: number;
  randomHex: string;
  chosenIndex: number;
  transactionId: number;
  /** True when the queue pays out automatically and its pool still covers the (new) head. */
  drainDue: boolean;
};

/**
 * Runs one lucky draw on a queue, under its lock: among the waiting entries whose target fits in
 * the pool and in the cap, in position order, picks one uniformly at random and pays it out in
 * full (payout kind 'draw'), with a draws record and an audit log entry.
 */
export async function runDraw(
  tx: Tx,
  args: { queueId: number; operatorId: number; reason?: string | null },
  source: (size: number) => Buffer = randomBytes,
): Promise<DrawResult> {
  await requireOperator(tx, args.operatorId, "draw.operatorsOnly");

  const pool = await lockQueue(tx, args.queueId);
  const limitFen = Math.min(pool.balanceFen, DRAW_CAP_FEN);

  // Position order makes the chosen index meaningful: the record says "the i-th candidate in queue
  // order". Under the queue lock this list cannot change until we commit.
  const candidates = await tx
    .select({ id: queueEntries.id, position: queueEntries.position, customerId: queueEntries.customerId, targetFen: queueEntries.targetFen })
    .from(queueEntries)
    .where(and(eq(queueEntries.queueId, args.queueId), eq(queueEntries.status, "waiting"), lte(queueEntries.targetFen, limitFen)))
    .orderBy(asc(queueEntries.position));
  if (candidates.length === 0) throw new DomainError("not_allowed", "draw.noCandidates");

  const pick = pickUniform(candidates.length, source);
  const chosen = candidates[pick.index]!;

  const marked = await tx
    .update(queueEntries)
    .set({ status: "paid", paidKind: "draw", settledAt: sql`now()` })
    .where(and(eq(queueEntries.id, chosen.id), eq(queueEntries.status, "waiting")));
  if (marked.rowCount !== 1) throw new Error(`draw on queue ${args.queueId} lost its lock`);

  const wallet = (await walletAccounts(tx, [chosen.customerId])).get(chosen.customerId);
  if (wallet === undefined) throw new Error(`customer ${chosen.customerId} has no wallet`);
  const reason = args.reason?.trim() || null;
  const transactionId = await post(tx, {
    kind: "draw_payout",
    queueId: args.queueId,
    actorUserId: args.operatorId,
    ...(reason ? { reason } : {}),
    legs: [
      { accountId: pool.poolAccountId, asset: "CNY", amount: -chosen.targetFen },
      { accountId: wallet, asset: "CNY", amount: chosen.targetFen },
    ],
  });
  await tx
    .insert(payouts)
    .values({ queueEntryId: chosen.id, queueId: args.queueId, customerId: chosen.customerId, amountFen: chosen.targetFen, kind: "draw", transactionId });
  await notifyEntriesFreed(tx, transactionId);

  const [drawRow] = await tx
    .insert(draws)
    .values({
      queueId: args.queueId,
      operatorUserId: args.operatorId,
      candidates: candidates.length,
      randomValue: pick.randomHex,
      chosenIndex: pick.index,
      queueEntryId: chosen.id,
      amountFen: chosen.targetFen,
      capFen: DRAW_CAP_FEN,
      reason,
    })
    .returning({ id: draws.id });
  const drawId = drawRow!.id;

  const ids = candidates.map((c) => c.id);
  await recordAudit(tx, {
    actorUserId: args.operatorId,
    action: "queue.draw",
    subjectType: "queue",
    subjectId: args.queueId,
    ...(reason ? { reason } : {}),
    details: {
      drawId,
      candidates: candidates.length,
      // The ordered candidate list, so the pick can be re-checked: candidateIds[value mod candidates].
      candidateIds: ids.length <= AUDIT_CANDIDATE_IDS ? ids : null,
      candidatesSha256: createHash("sha256").update(ids.join(",")).digest("hex"),
      randomValue: pick.randomHex,
      rejectedDraws: pick.rejected,
      chosenIndex: pick.index,
      entryId: chosen.id,
      position: chosen.position,
      customerId: chosen.customerId,
      amountFen: chosen.targetFen,
      capFen: DRAW_CAP_FEN,
      poolBeforeFen: pool.balanceFen,
      transactionId,
    },
  });

  const [mode] = await tx.select({ payoutMode: queues.payoutMode }).from(queues).where(eq(queues.id, args.queueId));
  const head = mode?.payoutMode === "auto" ? await headTarget(tx, args.queueId) : null;
  const poolAfter = pool.balanceFen - chosen.targetFen;

  return {
    drawId,
    queueId: args.queueId,
    entryId: chosen.id,
    position: chosen.position,
    customerId: chosen.customerId,
    amountFen: chosen.targetFen,
    capFen: DRAW_CAP_FEN,
    poolBeforeFen: pool.balanceFen,
    candidates: candidates.length,
    randomHex: pick.randomHex,
    chosenIndex: pick.index,
    transactionId,
    drainDue: head !== null && poolAfter >= head,
  };
}
