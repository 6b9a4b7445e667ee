import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapFirst } from "@/db/rows";
import { merchantStatus } from "@/db/schema";

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
  const res = await db.execute(sql`
    select m.id, m.name, m.slug, m.status, m.owner_user_id, u.display_name as owner_name, u.username as owner_username,
           m.created_at, m.reviewed_at, m.review_reason, m.suspended_at, m.queue_id,
           (select a.name from alliances a where a.queue_id = m.queue_id limit 1) as alliance,
           (select id from accounts where merchant_id = m.id and kind = 'merchant_settlement') as settlement,
           (select id from accounts where queue_id = m.queue_id and kind = 'pool') as pool
    from merchants m join users u on u.id = m.owner_user_id
    where m.id = ${merchantId}`);
  return (
    mapFirst(res, (r) => ({
      id: r.int("id"),
      name: r.str("name"),
      slug: r.str("slug"),
      status: r.oneOf("status", merchantStatus.enumValues),
      ownerUserId: r.int("owner_user_id"),
      ownerName: r.str("owner_name"),
      ownerUsername: r.str("owner_username"),
      createdAt: r.date("created_at"),
      reviewedAt: r.dateOrNull("reviewed_at"),
      reviewReason: r.strOrNull("review_reason"),
      suspendedAt: r.dateOrNull("suspended_at"),
      queueId: r.intOrNull("queue_id"),
      allianceName: r.strOrNull("alliance"),
      settlementAccountId: r.intOrNull("settlement"),
      poolAccountId: r.intOrNull("pool"),
    })) ?? null
  );
}
