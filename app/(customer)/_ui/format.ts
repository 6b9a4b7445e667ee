/** A rate in bps as a percentage for display: 2000 → "20%", 250 → "2.5%". Integer arithmetic only. */
export function bpsPercent(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const frac = bps % 100;
  if (frac === 0) return `${whole}%`;
  return `${whole}.${String(frac).padStart(2, "0").replace(/0$/, "")}%`;
}
