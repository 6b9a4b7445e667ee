import { useTranslations } from "next-intl";
import { formatFen } from "@/lib/money/format";

type Point = { label: string; value: number };

/** A round axis maximum at or above `max`: 1, 2 or 5 times a power of ten. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const pow = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * pow >= max) return m * pow;
  return 10 * pow;
}

/** One bar: its value, its tooltip, and its label under the axis (only where one is shown). */
export type Bar = { key: string; value: number; tip: string; axisLabel?: string };

const W = 320;

/**
 * The SVG of a small bar chart, readable on a phone: gridlines at `ticks` (labelled by `fmt`), one
 * bar per entry scaled to `max` (a value above 0 is never drawn thinner than 1 unit), and the
 * labels of the bars that have one. With `edgeLabels` the first and last labels are aligned to the
 * plot's edges instead of centred under their bars.
 */
export function BarPlot({ bars, max, ticks, fmt, ariaLabel, height, left, edgeLabels = false }: { bars: Bar[]; max: number; ticks: number[]; fmt: (v: number) => string; ariaLabel: string; height: number; left: number; edgeLabels?: boolean }) {
  const top = 8;
  const bottom = 22;
  const plotW = W - left - 4;
  const plotH = height - top - bottom;
  const barW = plotW / Math.max(1, bars.length);
  const anchor = (i: number) => (!edgeLabels ? "middle" : i === 0 ? "start" : i === bars.length - 1 ? "end" : "middle");
  return (
    <svg viewBox={`0 0 ${W} ${height}`} className="w-full" role="img" aria-label={ariaLabel}>
      {ticks.map((t) => {
        const y = top + plotH - (t / max) * plotH;
        return (
          <g key={t}>
            <line x1={left} x2={W - 4} y1={y} y2={y} className="stroke-gray-200" strokeWidth={1} />
            <text x={left - 4} y={y + 4} textAnchor="end" className="fill-gray-500" fontSize={11}>
              {fmt(t)}
            </text>
          </g>
        );
      })}
      {bars.map((b, i) => {
        const h = (b.value / max) * plotH;
        return (
          <rect key={b.key} x={left + i * barW + barW * 0.15} y={top + plotH - h} width={barW * 0.7} height={Math.max(h, b.value > 0 ? 1 : 0)} className="fill-brand-500">
            <title>{b.tip}</title>
          </rect>
        );
      })}
      {bars.map((b, i) =>
        b.axisLabel === undefined ? null : (
          <text key={`x-${b.key}`} x={left + i * barW + barW / 2} y={height - 6} textAnchor={anchor(i)} className="fill-gray-500" fontSize={11}>
            {b.axisLabel}
          </text>
        ),
      )}
    </svg>
  );
}

/**
 * A small server-rendered SVG bar chart with a y axis, gridlines and units, readable on a phone.
 * `kind` decides the unit: fen amounts are shown in yuan, counts as whole numbers. The same data is
 * available as a table for screen readers. `title` and `unit` come in the reader's language.
 */
export function BarChart({ title, unit, data, kind }: { title: string; unit: string; data: Point[]; kind: "fen" | "count" }) {
  const words = useTranslations("common.chart");
  // At least ¥1 or 2 on the axis, so an empty chart still has a readable scale.
  const max = niceMax(Math.max(kind === "fen" ? 100 : 2, ...data.map((d) => d.value)));
  const fmt = (v: number) => (kind === "fen" ? formatFen(v).replace(/\.00$/, "") : String(v));
  const total = data.reduce((s, d) => s + d.value, 0);
  // A middle gridline only where it falls on a whole unit (no "2.5 orders").
  const ticks = Number.isInteger(max / 2) ? [0, max / 2, max] : [0, max];
  return (
    <figure className="space-y-1">
      <figcaption className="flex items-baseline justify-between text-sm">
        <span className="font-medium text-ink">{title}</span>
        <span className="text-xs text-muted">
          {words("caption", { unit, total: kind === "fen" ? formatFen(total) : String(total) })}
        </span>
      </figcaption>
      <BarPlot
        bars={data.map((d, i) => ({
          key: d.label,
          value: d.value,
          tip: `${d.label}: ${fmt(d.value)}`,
          axisLabel: i === 0 || i === data.length - 1 || (i % 7 === 0 && data.length - 1 - i >= 4) ? d.label.slice(5) : undefined,
        }))}
        max={max}
        ticks={ticks}
        fmt={fmt}
        ariaLabel={words("label", { title, days: data.length, total: kind === "fen" ? formatFen(total) : String(total) })}
        height={160}
        left={56}
      />
      <details className="text-xs text-muted">
        <summary>{words("data")}</summary>
        <table className="mt-1 w-full">
          <thead>
            <tr>
              <th className="text-left font-normal">{words("date")}</th>
              <th className="text-right font-normal">{unit}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.label}>
                <td>{d.label}</td>
                <td className="text-right tabular-nums">{kind === "fen" ? formatFen(d.value) : d.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
