import { inTransaction } from "@/db/transaction";
import { json, withAuth } from "@/lib/http/route";
import { requestYesterday } from "@/lib/reconcile/run";

export const maxDuration = 60;

/**
 * The daily reconciliation, cron secret only: asks for yesterday's (China time) comparison of each
 * provider's bill with the ledger. The jobs do the work after commit (bills are downloaded outside
 * any transaction); calling twice asks once per provider and day, and a day already done is done
 * again, replacing its result.
 */
const handler = withAuth({ allow: ["cron-secret"] }, async () => {
  const asked = await inTransaction((tx) => requestYesterday(tx));
  return json({ job: "reconcile", ...asked });
});

export const POST = handler;
/** Vercel Cron calls GET (with the same bearer secret); GET is never reachable with a session. */
export const GET = handler;
