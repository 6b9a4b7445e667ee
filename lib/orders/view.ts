import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { merchants, orders, type Order } from "@/db/schema";
import { DomainError } from "@/lib/errors";

export type OrderView = Order & { storeName: string; storeSlug: string };

/** One of the customer's own orders by its number; another customer's order is "not found". */
export async function customerOrder(customerId: number, orderNo: string): Promise<OrderView> {
  const rows = await db
    .select({ order: orders, storeName: merchants.name, storeSlug: merchants.slug })
    .from(orders)
    .innerJoin(merchants, eq(merchants.id, orders.merchantId))
    .where(and(eq(orders.orderNo, orderNo), eq(orders.customerId, customerId)))
    .limit(1);
  const row = rows[0];
  if (!row) throw new DomainError("not_found", "order.notFound");
  return { ...row.order, storeName: row.storeName, storeSlug: row.storeSlug };
}
