"use client";

import { useTranslations } from "next-intl";
import { Badge, ProgressBar } from "@/app/_components";
import { useLiveJson } from "@/app/_components/use-live-json";
import type { QueueGauge } from "@/lib/merchants/store";
import { formatFen } from "@/lib/money/format";

/**
 * The store's pool against its head entry, following the queue live (public totals only).
 * `cachedPage`: the page may be a few seconds old (the anonymous page comes from the proxy's
 * cache, lib/http/page-cache.ts), so the live figures are asked for at once.
 */
export function LiveGauge({ initial, cachedPage = false }: { initial: QueueGauge; cachedPage?: boolean }) {
  const t = useTranslations("customer.live");
  const { data: g } = useLiveJson<QueueGauge>(`/api/queues/${initial.queueId}/live`, initial, { intervalMs: 10_000, pollOnMount: cachedPage });
  if (g.headTargetFen === null) {
    return (
      <p className="text-sm text-muted" data-testid="pool-gauge">
        {t("empty", { pool: formatFen(g.poolFen) })}
      </p>
    );
  }
  return (
    <div className="space-y-2">
      <ProgressBar
        value={Math.min(g.poolFen, g.headTargetFen)}
        max={g.headTargetFen}
        label={t("poolLabel")}
        valueText={t("poolText", { pool: formatFen(g.poolFen), head: formatFen(g.headTargetFen) })}
      />
      <p className="text-sm text-ink" data-testid="pool-gauge">
        {t.rich("pool", {
          pool: formatFen(g.poolFen),
          head: formatFen(g.headTargetFen),
          b: (chunks) => <span className="font-medium tabular-nums">{chunks}</span>,
        })}
      </p>
      <p className="text-sm text-muted">
        {t("waiting", { count: g.waitingCount, amount: formatFen(g.waitingFen) })}
        {g.payoutMode === "manual" ? (
          <Badge tone="neutral" className="ml-2">
            {t("manual")}
          </Badge>
        ) : null}
      </p>
    </div>
  );
}
