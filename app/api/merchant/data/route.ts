import { z } from "zod";
import { db } from "@/db";
import { approvedMerchantOf } from "@/lib/auth/session";
import { withAuth } from "@/lib/http/route";
import { recordStoreExport, storeData, storeOrdersCsv } from "@/lib/merchants/closing";

const query = z.object({ file: z.enum(["json", "orders"]) });

/** The owner's own store (found from the session) as JSON or its orders as CSV; each export is audited. */
export const GET = withAuth({ allow: ["merchant-session"] }, async (req, ctx) => {
  const { file } = query.parse({ file: req.nextUrl.searchParams.get("file") ?? undefined });
  const ownerUserId = ctx.viewer!.userId;
  const merchant = await approvedMerchantOf(ownerUserId);
  await recordStoreExport(db, { ownerUserId, merchantId: merchant.id, file });
  const day = new Date().toISOString().slice(0, 10);
  const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
  if (file === "json") {
    return new Response(JSON.stringify(await storeData(merchant.id), null, 2), {
      headers: { ...headers, "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="freeline-store-${merchant.slug}-${day}.json"` },
    });
  }
  return new Response(await storeOrdersCsv(merchant.id), {
    headers: { ...headers, "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="freeline-store-${merchant.slug}-orders-${day}.csv"` },
  });
});
