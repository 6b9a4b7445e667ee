import "server-only";
import { and, eq, ne } from "drizzle-orm";
import type { Tx } from "@/db";
import { merchants } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";

/**
 * The owner turns the new-order ring on or off for every console of the store (the owner's and the
 * cashiers'). Only the store's owner matches; a change is audited, a repeat of the current setting
 * changes nothing and records nothing.
 */
export async function setNewOrderRing(tx: Tx, args: { merchantId: number; ownerUserId: number; on: boolean }): Promise<{ changed: boolean }> {
  const [row] = await tx
    .update(merchants)
    .set({ ringNewOrders: args.on })
    .where(and(eq(merchants.id, args.merchantId), eq(merchants.ownerUserId, args.ownerUserId), ne(merchants.ringNewOrders, args.on)))
    .returning({ id: merchants.id });
  if (!row) return { changed: false };
  await recordAudit(tx, { actorUserId: args.ownerUserId, action: "merchant.ring", subjectType: "merchant", subjectId: args.merchantId, details: { on: args.on } });
  return { changed: true };
}
