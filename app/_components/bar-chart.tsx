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

/**
 * A small server-rendered SVG bar chart with a y axis, gridlines and units, readable on a phone.
 * `kind` decides the unit: fen amounts are shown in yuan, counts as whole numbers. The same data is
 * available as a table for screen readers. `title` and `unit` come in the reader's language.
 */
export function BarChart({ title, unit, data, kind }: { title: string; unit: string; data: Point[]; kind: "fen" | "count" }) {
  const words = useTranslations("common.chart");
  const W = 320;
  const H = 160;
  const left = 56;
  const bottom = 22;
  const top = 8;
  const plotW = W - left - 4;
  const plotH = H - top - bottom;
  // At least ¥1 or 2 on the axis, so an empty chart still has a readable scale.
  const max = niceMax(Math.max(kind === "fen" ? 100 : 2, ...data.map((d) => d.value)));
  const fmt = (v: number) => (kind === "fen" ? formatFen(v).replace(/\.00$/, "") : String(v));
  const barW = plotW / Math.max(1, data.length);
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
      <svg viewBox={`0 0 ${W} ${H}`} className="w-full" role="img" aria-label={words("label", { title, days: data.length, total: kind === "fen" ? formatFen(total) : String(total) })}>
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
        {data.map((d, i) => {
          const h = (d.value / max) * plotH;
          return (
            <rect
              key={d.label}
              x={left + i * barW + barW * 0.15}
              y={top + plotH - h}
              width={barW * 0.7}
              height={Math.max(h, d.value > 0 ? 1 : 0)}
              className="fill-brand-500"
            >
              <title>{`${d.label}: ${fmt(d.value)}`}</title>
            </rect>
          );
        })}
        {data.map((d, i) =>
          i === 0 || i === data.length - 1 || (i % 7 === 0 && data.length - 1 - i >= 4) ? (
            <text key={`x-${d.label}`} x={left + i * barW + barW / 2} y={H - 6} textAnchor="middle" className="fill-gray-500" fontSize={11}>
              {d.label.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
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
