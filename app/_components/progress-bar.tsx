import { cn } from "./cn";

/**
 * An accessible progress bar: a native <progress> (role progressbar, its value and max exposed by
 * the browser), drawn by the `.progress` rules in app/globals.css. No inline width style: the CSP
 * refuses style attributes (lib/http/security-headers.ts).
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
  return <progress value={clamped} max={safeMax} aria-label={label} aria-valuetext={valueText} className={cn("progress", className)} />;
}
