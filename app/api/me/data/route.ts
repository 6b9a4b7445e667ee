import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { withAuth } from "@/lib/http/route";
import { admitExport, ledgerCsv, ordersCsv, personalData } from "@/lib/privacy/export";

const query = z.object({ file: z.enum(["json", "orders", "ledger"]) });

/**
 * The signed-in person's own data (the id comes from the session; there is no way to name someone
 * else): `file=json` everything, `orders` and `ledger` as CSV. Throttled and audited per download.
 */
export const GET = withAuth({ allow: ["customer-session", "merchant-session", "operator-session"] }, async (req, ctx) => {
  const { file } = query.parse({ file: req.nextUrl.searchParams.get("file") ?? undefined });
  const userId = ctx.viewer!.userId;
  await inTransaction((tx) => admitExport(tx, userId, file));
  const day = new Date().toISOString().slice(0, 10);
  const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
  if (file === "json") {
    const body = JSON.stringify(await personalData(userId), null, 2);
    return new Response(body, {
      headers: { ...headers, "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="freeline-my-data-${day}.json"` },
    });
  }
  const csv = file === "orders" ? await ordersCsv(userId) : await ledgerCsv(userId);
  return new Response(csv, {
    headers: { ...headers, "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="freeline-my-${file}-${day}.csv"` },
  });
});
