import { getTranslations } from "next-intl/server";
import { BarPlot } from "@/app/_components";
import type { Locale } from "@/i18n/config";
import { formatFen } from "@/lib/money/format";
import { addDays } from "@/lib/points/day";
import { projectReleases } from "@/lib/points/projection";

/** Days the chart shows: two weeks read at a glance on a phone. */
export const CHART_DAYS = 14;

/** "12月8日" / "Dec 8" for a 'YYYY-MM-DD' day (the day is already Shanghai's, so read it in UTC). */
function dayLabel(day: string, locale: Locale): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * What the locked points become, day by day, if nothing else changes: a server-rendered SVG of the
 * next CHART_DAYS daily releases (points, with their value in ¥), the day everything is released,
 * and the same figures as a table for screen readers and for anyone who wants the numbers.
 */
export async function ReleaseChart({ locked, releaseBpsPerDay, firstDay, locale }: { locked: number; releaseBpsPerDay: number; firstDay: string; locale: Locale }) {
  const t = await getTranslations("customer.points.chart");
  const { releases, daysToAll } = projectReleases(locked, releaseBpsPerDay, CHART_DAYS);
  if (releases.length === 0) return null;
  const bars = Array.from({ length: CHART_DAYS }, (_, i) => {
    const day = addDays(firstDay, i);
    return { day, label: dayLabel(day, locale), points: releases[i]?.points ?? 0 };
  });
  const total = releases.reduce((s, r) => s + r.points, 0);
  const lastDay = dayLabel(addDays(firstDay, daysToAll - 1), locale);

  const max = Math.max(1, ...bars.map((b) => b.points));
  const summary = t("label", { days: CHART_DAYS, first: bars[0]!.label, points: total, amount: formatFen(total), last: lastDay });

  return (
    <figure className="space-y-2" data-testid="release-chart">
      <figcaption className="text-sm text-ink">
        <span className="block font-medium">{t("title", { days: CHART_DAYS })}</span>
        <span className="block text-xs text-muted" data-testid="release-chart-total">
          {t("caption", { days: CHART_DAYS, points: total, amount: formatFen(total) })}
        </span>
      </figcaption>
      <BarPlot
        bars={bars.map((b, i) => ({
          key: b.day,
          value: b.points,
          tip: t("bar", { day: b.label, points: b.points, amount: formatFen(b.points) }),
          axisLabel: i === 0 || i === CHART_DAYS - 1 || i === 7 ? b.label : undefined,
        }))}
        max={max}
        ticks={[0, max]}
        fmt={String}
        ariaLabel={summary}
        height={150}
        left={44}
        edgeLabels
      />
      <p className="text-xs text-muted" data-testid="release-chart-all">
        {daysToAll <= CHART_DAYS ? t("allWithin", { last: lastDay }) : t("allLater", { days: daysToAll, last: lastDay })}
      </p>
      <details className="text-xs text-muted">
        <summary className="inline-flex min-h-11 min-w-11 cursor-pointer items-center">{t("data")}</summary>
        <table className="mt-1 w-full" data-testid="release-chart-table">
          <thead>
            <tr>
              <th className="text-left font-normal">{t("day")}</th>
              <th className="text-right font-normal">{t("points")}</th>
              <th className="text-right font-normal">{t("value")}</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((b) => (
              <tr key={b.day}>
                <td>{b.label}</td>
                <td className="text-right tabular-nums">{b.points}</td>
                <td className="text-right tabular-nums">{formatFen(b.points)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
