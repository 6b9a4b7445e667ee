import { z } from "zod";
import { db } from "@/db";
import { TIME_ZONE_OFFSET_MS } from "@/i18n/config";
import { recordAudit } from "@/lib/audit/record";
import { csvRow, fenToYuanText } from "@/lib/csv";
import { withAuth } from "@/lib/http/route";
import { lastPayoutId, payoutExportBatch, type PayoutExportRow } from "@/lib/ledger/reports";
import { log } from "@/lib/observability/log";

const BATCH = 500;
const DAY_MS = 86_400_000;

/** A calendar day in China time (the platform's day), e.g. 2026-11-25; impossible dates are refused. */
const chinaDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "date.format" })
  .transform((s, ctx) => {
    const start = new Date(new Date(`${s}T00:00:00Z`).getTime() - TIME_ZONE_OFFSET_MS);
    // 2026-13-01 is an Invalid Date (toISOString would throw); 2026-02-30 parses to March 2nd:
    // read the day back to catch it.
    const back = Number.isNaN(start.getTime()) ? null : new Date(start.getTime() + TIME_ZONE_OFFSET_MS).toISOString().slice(0, 10);
    if (back !== s) {
      ctx.addIssue({ code: "custom", message: "date.invalid" });
      return z.NEVER;
    }
    return start;
  });

const query = z
  .object({ from: chinaDay.optional(), to: chinaDay.optional() })
  // zod still runs this refine when a field failed its own check, so a bound may be the raw text here.
  .refine((q) => !(q.from instanceof Date) || !(q.to instanceof Date) || q.from.getTime() <= q.to.getTime(), {
    error: "date.fromAfterTo",
    path: ["from"],
  });

const HEADER = [
  "time",
  "payout_id",
  "queue_id",
  "queue_name",
  "entry_id",
  "position",
  "customer_id",
  "customer_name",
  "order_no",
  "amount_fen",
  "amount_yuan",
  "kind",
  "transaction_id",
];

function line(p: PayoutExportRow): string {
  return csvRow([
    p.createdAt.toISOString(),
    p.payoutId,
    p.queueId,
    p.queueName,
    p.entryId,
    p.position,
    p.customerId,
    p.customerName,
    p.orderNo,
    p.amountFen,
    fenToYuanText(p.amountFen),
    p.kind,
    p.transactionId,
  ]);
}

/**
 * Every payout as CSV, oldest first, streamed in batches. `from` and `to` are China-time days,
 * both inclusive. Operators only; the export is audited (it carries customers' names).
 * The file starts with a UTF-8 byte order mark so spreadsheet apps read the Chinese names right.
 */
export const GET = withAuth({ allow: ["operator-session"] }, async (req, ctx) => {
  // An empty field (a form left blank) means no bound.
  const fromText = req.nextUrl.searchParams.get("from") || undefined;
  const toText = req.nextUrl.searchParams.get("to") || undefined;
  const { from, to } = query.parse({ from: fromText, to: toText });
  const until = to ? new Date(to.getTime() + DAY_MS) : undefined;
  const upToId = await lastPayoutId();

  await recordAudit(db, {
    actorUserId: ctx.viewer!.userId,
    action: "payouts.export",
    subjectType: "payouts",
    subjectId: "csv",
    details: {
      from: fromText ?? null,
      to: toText ?? null,
      upToPayoutId: upToId,
    },
  });

  const encoder = new TextEncoder();
  let afterId = 0;
  let started = false;
  let done = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${csvRow(HEADER)}`));
        return;
      }
      if (done) return;
      try {
        const rows = await payoutExportBatch({ from, until, afterId, upToId, limit: BATCH });
        if (rows.length > 0) {
          afterId = rows[rows.length - 1]!.payoutId;
          controller.enqueue(encoder.encode(rows.map(line).join("")));
        }
        if (rows.length < BATCH) {
          done = true;
          controller.close();
        }
      } catch (e) {
        log.error({ err: e }, "payouts export failed mid-stream");
        done = true;
        controller.error(e);
      }
    },
  });

  // Both parsed as YYYY-MM-DD above, so they are safe inside the header.
  const name = `freeline-payouts${fromText ? `-from-${fromText}` : ""}${toText ? `-to-${toText}` : ""}.csv`;
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
