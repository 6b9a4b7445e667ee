import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { db } from "@/db";
import { merchants, orders, paymentRefunds, type Order } from "@/db/schema";
import { DomainError } from "@/lib/errors";

export type OrderView = Order & {
  storeName: string;
  storeSlug: string;
  /** The refund's cash, for a refunded order: on its way, back, or refused by the provider (then owed by the platform). */
  refundStatus: "pending" | "succeeded" | "failed" | null;
};

/** One of the customer's own orders by its number; another customer's order is "not found". */
export async function customerOrder(customerId: number, orderNo: string): Promise<OrderView> {
  const rows = await db
    .select({ order: orders, storeName: merchants.name, storeSlug: merchants.slug, refundStatus: paymentRefunds.status })
    .from(orders)
    .innerJoin(merchants, eq(merchants.id, orders.merchantId))
    .leftJoin(paymentRefunds, and(eq(paymentRefunds.orderId, orders.id), isNull(paymentRefunds.returnedPaymentRef)))
    .where(and(eq(orders.orderNo, orderNo), eq(orders.customerId, customerId)))
    .limit(1);
  const row = rows[0];
  if (!row) throw new DomainError("not_found", "order.notFound");
  return { ...row.order, storeName: row.storeName, storeSlug: row.storeSlug, refundStatus: row.refundStatus ?? null };
}
