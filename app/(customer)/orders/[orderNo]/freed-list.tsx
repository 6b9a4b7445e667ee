"use client";

import { useTranslations } from "next-intl";
import { Money } from "@/app/_components";
import { useLiveJson } from "@/app/_components/use-live-json";
import { formatFen } from "@/lib/money/format";
import type { FreedByPayment } from "@/lib/orders/freed";

const settled = (f: FreedByPayment) => f.settled;

/**
 * What this payment freed, this order's entries and earlier ones alike. The drain runs after the
 * payment and may finish after the page rendered, so the list asks again every few seconds until
 * the answer can no longer change (lib/orders/freed.ts), and is announced when it grows.
 */
export function FreedList({ orderNo, initial }: { orderNo: string; initial: FreedByPayment }) {
  const t = useTranslations("customer.order.freed");
  const { data } = useLiveJson<FreedByPayment>(`/api/orders/${encodeURIComponent(orderNo)}/freed`, initial, {
    intervalMs: 2_000,
    until: settled,
  });
  const none = data.mine.length === 0 && data.othersCount === 0;
  if (none && data.settled) return null;
  return (
    <section aria-live="polite" className="rounded-2xl border border-line bg-surface p-4" data-testid="freed">
      <h2 className="font-semibold">{t("title")}</h2>
      {none ? (
        <p className="mt-1 text-sm text-muted" data-testid="freed-checking">
          {t("checking")}
        </p>
      ) : (
        <>
          {data.mine.length > 0 ? (
            <ul className="mt-2 divide-y divide-line" data-testid="freed-mine">
              {data.mine.map((e) => (
                <li key={e.id} className="flex items-center justify-between gap-3 py-2 text-sm">
                  <span className="font-mono text-xs text-muted">{e.orderNo === orderNo ? t("thisOrder") : e.orderNo}</span>
                  <span className="font-semibold text-brand-700">
                    <Money fen={e.targetFen} />
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
          {data.mine.length > 0 ? (
            <p className="mt-1 text-sm">{t("mineTotal", { amount: formatFen(data.mine.reduce((a, e) => a + e.targetFen, 0)) })}</p>
          ) : null}
          {data.othersCount > 0 ? (
            <p className="mt-1 text-sm text-muted" data-testid="freed-others">
              {t("others", { count: data.othersCount, amount: formatFen(data.othersFen) })}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
