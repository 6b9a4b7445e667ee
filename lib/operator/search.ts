import "server-only";
import { and, eq, ilike, isNull, or, sql } from "drizzle-orm";
import { db } from "@/db";
import { containsPattern } from "@/db/like";
import { mapRows } from "@/db/rows";
import { merchants, orderStatus, users } from "@/db/schema";
import { hasUnstorableText } from "@/lib/format/unstorable-text";

export type SearchHits = {
  orders: { orderNo: string; status: string; cashFen: number; storeName: string; merchantId: number; createdAt: Date }[];
  people: { userId: number; displayName: string; username: string; role: string }[];
  stores: { merchantId: number; name: string; slug: string; status: string }[];
};

const LIMIT = 20;

/**
 * The operator's global search. An order number (with or without spaces, any case) finds that
 * order; a phone number or user name finds the person, and their latest orders; text finds stores
 * by name or address. Each branch is an exact or bounded lookup on an index, except the store
 * names (a bounded scan of the merchants, which are few next to orders).
 */
export async function searchAll(query: string): Promise<SearchHits> {
  const q = query.trim().slice(0, 64);
  // A NUL makes Postgres refuse the query (a 500 for ?q=%00); no row can hold one, so nothing matches.
  if (q === "" || hasUnstorableText(q)) return { orders: [], people: [], stores: [] };
  const orderNo = q.replace(/\s+/g, "").toUpperCase();
  const login = q.toLowerCase();
  const [people, stores] = await Promise.all([
    db
      .select({ userId: users.id, displayName: users.displayName, username: users.username, role: users.role })
      .from(users)
      .where(and(or(eq(users.username, login), eq(users.phone, q)), isNull(users.deletedAt)))
      .orderBy(users.id)
      .limit(LIMIT),
    db
      .select({ merchantId: merchants.id, name: merchants.name, slug: merchants.slug, status: merchants.status })
      .from(merchants)
      .where(or(ilike(merchants.name, containsPattern(q)), ilike(merchants.slug, containsPattern(login))))
      .orderBy(merchants.id)
      .limit(LIMIT),
  ]);
  const personIds = people.map((p) => p.userId);
  // Raw: a union of the order by number and the people's latest orders, each with its own order and limit.
  const orders = await db.execute(sql`
    select o.order_no, o.status, o.cash_fen, m.name as store, o.merchant_id, o.created_at
    from orders o join merchants m on m.id = o.merchant_id
    where o.order_no = ${orderNo}
    union all
    (select o.order_no, o.status, o.cash_fen, m.name, o.merchant_id, o.created_at
     from orders o join merchants m on m.id = o.merchant_id
     where o.customer_id = any(${sql.param(personIds)}::bigint[]) and o.order_no <> ${orderNo}
     order by o.created_at desc limit ${LIMIT})`);
  return {
    orders: mapRows(orders, (r) => ({
      orderNo: r.str("order_no"),
      status: r.oneOf("status", orderStatus.enumValues),
      cashFen: r.int("cash_fen"),
      storeName: r.str("store"),
      merchantId: r.int("merchant_id"),
      createdAt: r.date("created_at"),
    })),
    people,
    stores,
  };
}
