import { approvedMerchantOf } from "@/lib/auth/session";
import { csvRow, fenToYuanText } from "@/lib/csv";
import { DomainError } from "@/lib/errors";
import { withAuth } from "@/lib/http/route";
import { settlementReport } from "@/lib/merchants/settlement";
import { parseSettlementRange } from "@/lib/merchants/settlement-range";

const HEADER = [
  "day",
  "orders",
  "sales_yuan",
  "rebate_yuan",
  "platform_fee_yuan",
  "refunds",
  "refunds_yuan",
  "rebate_returned_yuan",
  "refund_shortfall_yuan",
  "owed_to_platform_yuan",
  "paid_to_store_yuan",
  "settlement_balance_yuan",
];

/** The owner's own store's settlement report (found from the session) as CSV, one line per day, newest first. */
export const GET = withAuth({ allow: ["merchant-session"] }, async (req, ctx) => {
  const parsed = parseSettlementRange(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.ok) throw new DomainError("invalid_input", parsed.error);
  const merchant = await approvedMerchantOf(ctx.viewer!.userId);
  const days = await settlementReport(merchant.id, parsed.range);
  const y = fenToYuanText;
  const body =
    csvRow(HEADER) +
    days
      .map((d) =>
        csvRow([d.day, d.orders, y(d.salesFen), y(d.rebateFen), y(d.platformFeeFen), d.refunds, y(d.refundsFen), y(d.rebateReturnedFen), y(d.shortfallFen), y(d.owedFen), y(d.paidFen), y(d.balanceFen)]),
      )
      .join("");
  return new Response(body, {
    headers: {
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="freeline-settlement-${merchant.slug}-${parsed.range.from}-${parsed.range.to}.csv"`,
    },
  });
});
