"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

function left(untilMs: number, now: number): string | null {
  const s = Math.ceil((untilMs - now) / 1000);
  if (s <= 0) return null;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * The time a pending order has left to be paid, counting down each second (m:ss). The server renders
 * the first value; the browser's clock takes over. At zero it says the order is closing: the expiry
 * job closes it at the provider within a minute, and paying is refused from then on.
 */
export function Countdown({ until }: { until: string }) {
  const t = useTranslations("orders.countdown");
  const untilMs = new Date(until).getTime();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const time = left(untilMs, now);
  return (
    <span className="tabular-nums" data-testid="countdown" data-over={time === null ? "true" : undefined} suppressHydrationWarning>
      {time === null ? t("over") : t("left", { time })}
    </span>
  );
}
