import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";

export type MerchantProfile = {
  id: number;
  name: string;
  slug: string;
  status: "pending" | "approved" | "rejected" | "closed";
  ownerUserId: number;
  ownerName: string;
  ownerUsername: string;
  createdAt: Date;
  reviewedAt: Date | null;
  reviewReason: string | null;
  /** Set while an operator has suspended the store (lib/merchants/suspension.ts). */
  suspendedAt: Date | null;
  queueId: number | null;
  allianceName: string | null;
  /** The store's settlement account and its queue's pool, for links to their ledger history. */
  settlementAccountId: number | null;
  poolAccountId: number | null;
};

/** One store for the operator's detail page, or null. */
export async function merchantProfile(merchantId: number): Promise<MerchantProfile | null> {
  const res = await db.execute<{
    id: number;
    name: string;
    slug: string;
    status: MerchantProfile["status"];
    owner_user_id: number;
    owner_name: string;
    owner_username: string;
    created_at: Date;
    reviewed_at: Date | null;
    review_reason: string | null;
    suspended_at: Date | null;
    queue_id: number | null;
    alliance: string | null;
    settlement: number | null;
    pool: number | null;
  }>(sql`
    select m.id, m.name, m.slug, m.status, m.owner_user_id, u.display_name as owner_name, u.username as owner_username,
           m.created_at, m.reviewed_at, m.review_reason, m.suspended_at, m.queue_id,
           (select a.name from alliances a where a.queue_id = m.queue_id limit 1) as alliance,
           (select id from accounts where merchant_id = m.id and kind = 'merchant_settlement') as settlement,
           (select id from accounts where queue_id = m.queue_id and kind = 'pool') as pool
    from merchants m join users u on u.id = m.owner_user_id
    where m.id = ${merchantId}`);
  const r = res.rows[0];
  if (!r) return null;
  return {
    id: Number(r.id),
    name: r.name,
    slug: r.slug,
    status: r.status,
    ownerUserId: Number(r.owner_user_id),
    ownerName: r.owner_name,
    ownerUsername: r.owner_username,
    createdAt: new Date(r.created_at),
    reviewedAt: r.reviewed_at ? new Date(r.reviewed_at) : null,
    reviewReason: r.review_reason,
    suspendedAt: r.suspended_at ? new Date(r.suspended_at) : null,
    queueId: r.queue_id === null ? null : Number(r.queue_id),
    allianceName: r.alliance,
    settlementAccountId: r.settlement === null ? null : Number(r.settlement),
    poolAccountId: r.pool === null ? null : Number(r.pool),
  };
}
