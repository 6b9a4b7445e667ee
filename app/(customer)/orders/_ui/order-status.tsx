import { getTranslations } from "next-intl/server";
import { Badge, type BadgeTone } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import type { ReturnedPayment } from "@/lib/orders/customer-orders";

type Status = "pending" | "paid" | "refunded" | "expired" | "cancelled";

const TONE: Record<Status, BadgeTone> = { pending: "warn", paid: "success", refunded: "brand", expired: "neutral", cancelled: "neutral" };

/** An order's state as a badge: 待支付, 已支付, 已过期, 已取消, 已退款. */
export async function OrderStatusBadge({ status }: { status: Status }) {
  const t = await getTranslations("orders.status");
  return (
    <Badge tone={TONE[status]} className="shrink-0">
      <span data-testid="order-status" data-status={status}>{t(status)}</span>
    </Badge>
  );
}

/**
 * The payments of an order that did not pay it (a second payment, or one that came after the order
 * expired and its points were gone), each with why and where its money is: the customer's answer
 * to "I paid, where is it?".
 */
export async function ReturnedNotice({ returned }: { returned: ReturnedPayment[] }) {
  if (returned.length === 0) return null;
  const t = await getTranslations("orders.returned");
  return (
    <ul className="space-y-1" data-testid="returned-payments">
      {returned.map((r, i) => (
        <li key={i} role="status" className="rounded-lg bg-amber-50 p-2 text-sm text-amber-900" data-cause={r.cause} data-state={r.status}>
          {t(`${r.cause}.${r.status}`, { amount: formatFen(r.amountFen) })}
        </li>
      ))}
    </ul>
  );
}
