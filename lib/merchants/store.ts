import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { cache } from "react";
import { db, type Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { merchants, payoutMode, queues, ruleVersions, type Merchant, type RuleVersion } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { openMerchantAccounts, openPoolAccount } from "@/lib/ledger";
import { waitingLateral } from "@/lib/queue/ahead";
import type { RuleSettings } from "@/lib/rules/settings";

export type Store = { merchant: Merchant; rule: RuleVersion; queueId: number };

/** Join condition of a store (`merchants`) with its current rule version (`rule_versions`). */
export const currentRule = and(eq(ruleVersions.merchantId, merchants.id), eq(ruleVersions.version, merchants.ruleVersion));

/** An approved store with the rule version that applies to new orders. */
export async function approvedStore(tx: Tx | typeof db, where: { slug: string } | { merchantId: number }): Promise<Store> {
  const cond = "slug" in where ? eq(merchants.slug, where.slug) : eq(merchants.id, where.merchantId);
  const rows = await tx
    .select({ merchant: merchants, rule: ruleVersions })
    .from(merchants)
    .innerJoin(ruleVersions, currentRule)
    .where(cond)
    .limit(1);
  return approvedStoreOf(rows[0]);
}

/** The store read with its current rule (`currentRule`), refused unless it is open for orders. */
export function approvedStoreOf(row: { merchant: Merchant; rule: RuleVersion | null } | undefined): Store {
  if (!row?.rule || row.merchant.status !== "approved" || row.merchant.queueId === null) {
    throw new DomainError("not_found", "store.notFoundOrNotApproved");
  }
  return { merchant: row.merchant, rule: row.rule, queueId: row.merchant.queueId };
}

export type QueueGauge = {
  queueId: number;
  payoutMode: "auto" | "manual";
  poolFen: number;
  headTargetFen: number | null;
  waitingCount: number;
  waitingFen: number;
};

/**
 * The pool against the head entry's target, and the size of the waiting queue (from its counters).
 * Read once per render: the merchant console's layout (its live figures) and the page under it both ask.
 */
export const queueGauge = cache(async (queueId: number): Promise<QueueGauge> => {
  const res = await db.execute(sql`
    select q.payout_mode,
           (select balance from accounts where queue_id = q.id and kind = 'pool') as pool,
           (select target_fen from queue_entries where queue_id = q.id and status = 'waiting' order by position limit 1) as head,
           w.waiting_n as n, w.waiting_fen as total
    from queues q ${waitingLateral}
    where q.id = ${queueId}`);
  // waiting_fen is a bigint less a numeric sum: numeric, which int() reads from its text.
  const gauge = mapFirst(res, (r) => ({
    queueId,
    payoutMode: r.oneOf("payout_mode", payoutMode.enumValues),
    poolFen: r.intOrNull("pool") ?? 0,
    headTargetFen: r.intOrNull("head"),
    waitingCount: r.int("n"),
    waitingFen: r.int("total"),
  }));
  if (!gauge) throw new DomainError("not_found", "queue.notFound", undefined, { queueId });
  return gauge;
});

/**
 * Creates a store with its own queue, pool and settlement account, and rule version 1.
 * `approved` stores are open for orders at once (the seed); others wait for an operator.
 */
export async function createStore(
  tx: Tx,
  args: { ownerUserId: number; slug: string; name: string; rules: RuleSettings; approved: boolean },
): Promise<Merchant> {
  const [queue] = await tx
    .insert(queues)
    .values({ name: args.name, payoutMode: args.rules.payoutMode })
    .returning();
  if (!queue) throw new Error("queue not created");
  await openPoolAccount(tx, queue.id);
  const [merchant] = await tx
    .insert(merchants)
    .values({
      ownerUserId: args.ownerUserId,
      slug: args.slug,
      name: args.name,
      status: args.approved ? "approved" : "pending",
      queueId: queue.id,
      ruleVersion: 1,
    })
    .returning();
  if (!merchant) throw new Error("merchant not created");
  await openMerchantAccounts(tx, merchant.id);
  await tx.insert(ruleVersions).values({
    merchantId: merchant.id,
    version: 1,
    createdByUserId: args.ownerUserId,
    ...args.rules,
  });
  return merchant;
}
