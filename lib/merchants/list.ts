import "server-only";
import { asc, eq } from "drizzle-orm";
import { db } from "@/db";
import { merchants } from "@/db/schema";

export type StoreListItem = { slug: string; name: string };

/** The approved stores, by name, for the public store list. */
export async function listApprovedStores(): Promise<StoreListItem[]> {
  return db
    .select({ slug: merchants.slug, name: merchants.name })
    .from(merchants)
    .where(eq(merchants.status, "approved"))
    .orderBy(asc(merchants.name), asc(merchants.slug));
}
