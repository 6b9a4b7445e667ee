import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { containsPattern } from "@/db/like";
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
    db.execute<{ id: number; display_name: string; username: string; role: string }>(sql`
      select id, display_name, username, role from users
      where (username = ${login} or phone = ${q}) and deleted_at is null
      order by id limit ${LIMIT}`),
    db.execute<{ id: number; name: string; slug: string; status: string }>(sql`
      select id, name, slug, status from merchants
      where name ilike ${containsPattern(q)} or slug ilike ${containsPattern(login)}
      order by id limit ${LIMIT}`),
  ]);
  const personIds = people.rows.map((p) => Number(p.id));
  const orders = await db.execute<{ order_no: string; status: string; cash_fen: number; store: string; merchant_id: number; created_at: Date }>(sql`
    select o.order_no, o.status, o.cash_fen, m.name as store, o.merchant_id, o.created_at
    from orders o join merchants m on m.id = o.merchant_id
    where o.order_no = ${orderNo}
    union all
    (select o.order_no, o.status, o.cash_fen, m.name, o.merchant_id, o.created_at
     from orders o join merchants m on m.id = o.merchant_id
     where o.customer_id = any(${sql.param(personIds)}::bigint[]) and o.order_no <> ${orderNo}
     order by o.created_at desc limit ${LIMIT})`);
  return {
    orders: orders.rows.map((r) => ({
      orderNo: r.order_no,
      status: r.status,
      cashFen: Number(r.cash_fen),
      storeName: r.store,
      merchantId: Number(r.merchant_id),
      createdAt: new Date(r.created_at),
    })),
    people: people.rows.map((r) => ({ userId: Number(r.id), displayName: r.display_name, username: r.username, role: r.role })),
    stores: stores.rows.map((r) => ({ merchantId: Number(r.id), name: r.name, slug: r.slug, status: r.status })),
  };
}
