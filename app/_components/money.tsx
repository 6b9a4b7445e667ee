import { formatFen } from "@/lib/money/format";
import { cn } from "./cn";

/** An amount in fen, shown as ¥12.34 with tabular digits. `signed` adds "+" to positive amounts. */
export function Money({ fen, signed = false, className }: { fen: number; signed?: boolean; className?: string }) {
  const text = formatFen(fen);
  return <span className={cn("tabular-nums", className)}>{signed && fen > 0 ? `+${text}` : text}</span>;
}
