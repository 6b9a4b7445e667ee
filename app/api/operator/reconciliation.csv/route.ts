import { db } from "@/db";
import { recordAudit } from "@/lib/audit/record";
import { csvRow, fenToYuanText } from "@/lib/csv";
import { withAuth } from "@/lib/http/route";
import { parseFilter } from "@/lib/reconcile/filter";
import { listMismatches, type MismatchView } from "@/lib/reconcile/read";

/** Enough for any day's differences; a larger list means something else is wrong, and is cut here. */
const LIMIT = 50_000;

const HEADER = ["day", "provider", "kind", "tx_kind", "out_id", "provider_ref", "provider_yuan", "ledger_yuan", "difference_yuan", "postings", "at"];

function line(m: MismatchView): string {
  const diff = (m.providerFen ?? 0) - (m.ledgerFen ?? 0);
  return csvRow([
    m.day,
    m.provider,
    m.kind,
    m.txKind,
    m.outId,
    m.providerRef,
    m.providerFen === null ? null : fenToYuanText(m.providerFen),
    m.ledgerFen === null ? null : fenToYuanText(m.ledgerFen),
    fenToYuanText(diff),
    m.postings,
    m.at?.toISOString() ?? null,
  ]);
}

/**
 * The reconciliation mismatches as CSV (`?day=&provider=` narrow it, as on the page). Operators
 * only; audited. A UTF-8 byte order mark first, so spreadsheets read it as UTF-8.
 */
export const GET = withAuth({ allow: ["operator-session"] }, async (req, ctx) => {
  const filter = parseFilter(Object.fromEntries(req.nextUrl.searchParams));
  const rows = await listMismatches(filter, LIMIT);
  await recordAudit(db, {
    actorUserId: ctx.viewer!.userId,
    action: "reconcile.export",
    subjectType: "reconciliation",
    subjectId: "csv",
    details: { day: filter.day ?? null, provider: filter.provider ?? null, rows: rows.length },
  });
  const body = `\uFEFF${csvRow(HEADER)}${rows.map(line).join("")}`;
  // Both parsed above (a day, a provider id), so they are safe inside the header.
  const name = `freeline-reconciliation${filter.day ? `-${filter.day}` : ""}${filter.provider ? `-${filter.provider}` : ""}.csv`;
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
