import { cn } from "./cn";

/**
 * An accessible progress bar (role=progressbar with aria-valuenow/min/max).
 * `value` and `max` are integers in any unit (fen, entries…); `valueText` is what a screen reader
 * says, e.g. "¥12.34 / ¥100.00".
 */
export function ProgressBar({
  value,
  max,
  label,
  valueText,
  className,
}: {
  value: number;
  max: number;
  label: string;
  valueText?: string;
  className?: string;
}) {
  const safeMax = max > 0 ? max : 1;
  const clamped = Math.min(Math.max(value, 0), safeMax);
  // Whole per-mille for the bar's width: display only, never fed back into any amount.
  const permille = Math.floor((clamped * 1000) / safeMax);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={safeMax}
      aria-valuenow={clamped}
      aria-valuetext={valueText}
      className={cn("h-2.5 w-full overflow-hidden rounded-full bg-brand-100", className)}
    >
      <div className="h-full rounded-full bg-brand-500 transition-[width]" style={{ width: `${permille / 10}%` }} />
    </div>
  );
}
