"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { localeOr } from "@/i18n/config";
import { Money } from "@/app/_components";
import { formatDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/format";
import type { Due } from "../../actions";
import { CancelButton } from "../../_ui/cancel-button";
import { PayButton } from "../../_ui/pay-button";
import { QrStep } from "../../_ui/pay-steps";

/**
 * The pay step of an order just placed, drawn where the order form was: the simulated provider's
 * confirm button, or WeChat Native's QR code. It shows what the pay page shows, without loading it.
 */
export function PayHere({ orderNo, due, qr }: { orderNo: string; due: Due; qr?: string }) {
  const t = useTranslations("customer.pay");
  const tp = useTranslations("customer.store.form.preview");
  const locale = localeOr(useLocale());
  const heading = useRef<HTMLHeadingElement>(null);
  // The form the customer submitted is gone: take the focus to what replaced it.
  useEffect(() => heading.current?.focus(), []);
  const simulated = qr === undefined;
  return (
    <section className="space-y-3" data-testid="pay-here" aria-labelledby="pay-here-title">
      {simulated ? (
        <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {t.rich("simulated", { strong: (chunks) => <strong>{chunks}</strong> })}
        </div>
      ) : null}
      <h3 id="pay-here-title" ref={heading} tabIndex={-1} className="font-semibold text-ink outline-none">
        {simulated ? t("title") : t("realTitle")}
      </h3>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        <dt className="text-muted">{t("orderNo")}</dt>
        <dd className="font-mono" data-testid="pay-here-order-no">
          {orderNo}
        </dd>
        {due.pointsUsed > 0 ? (
          <>
            <dt className="text-muted">{t("pointsUsed")}</dt>
            <dd>{tp("pointsWorth", { count: String(due.pointsUsed), amount: formatFen(due.pointsUsed) })}</dd>
          </>
        ) : null}
        <dt className="text-muted">{t("due")}</dt>
        <dd className="text-lg font-semibold">
          <Money fen={due.cashFen} />
        </dd>
      </dl>
      <p className="text-sm text-muted" data-testid="pay-by">
        {t("expiresAt", { time: formatDateTime(new Date(due.payBy), { locale }) })}
      </p>
      {simulated ? <PayButton orderNo={orderNo} from="store" /> : <QrStep qr={qr} orderNo={orderNo} />}
      <CancelButton orderNo={orderNo} />
    </section>
  );
}
