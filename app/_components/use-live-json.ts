"use client";

import { useEffect, useRef, useState } from "react";

/**
 * Polls a small JSON route while the tab is visible: every `intervalMs`, paused in a background tab
 * (and fetched at once on return), backing off ×2 up to `maxBackoffMs` after errors. Starts from
 * the server-rendered `initial`, so nothing flashes. Same-origin GET only, no inline script or eval.
 */
export function useLiveJson<T>(url: string, initial: T, { intervalMs = 5_000, maxBackoffMs = 60_000 } = {}): T {
  const [data, setData] = useState<T>(initial);
  const [lastInitial, setLastInitial] = useState(initial);
  const delay = useRef(intervalMs);
  // A new server render (router.refresh after an action) brings fresher figures: take them.
  if (initial !== lastInitial) {
    setLastInitial(initial);
    setData(initial);
  }

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let inFlight: AbortController | null = null;

    const schedule = (ms: number) => {
      clearTimeout(timer);
      if (!stopped && document.visibilityState === "visible") timer = setTimeout(tick, ms);
    };

    async function tick() {
      inFlight?.abort();
      const ctl = new AbortController();
      inFlight = ctl;
      try {
        const res = await fetch(url, { cache: "no-store", credentials: "same-origin", signal: ctl.signal });
        if (!res.ok) throw new Error(`${res.status}`);
        setData((await res.json()) as T);
        delay.current = intervalMs;
      } catch (e) {
        if (ctl.signal.aborted) return;
        delay.current = Math.min(delay.current * 2, maxBackoffMs);
      }
      schedule(delay.current);
    }

    const onVisibility = () => {
      if (document.visibilityState === "visible") void tick();
      else clearTimeout(timer);
    };

    schedule(delay.current);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [url, intervalMs, maxBackoffMs]);

  return data;
}
