"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { fresher, ReadClock, type Stamped } from "./live-reads";

/** One clock for the page: every live value's reads are ordered by when they began. */
const clock = new ReadClock();

export type LiveJson<T> = {
  /** The newest of the server render, the polls and the page's own changes. */
  data: T;
  /**
   * Applies a change the page knows has happened (an action it ran succeeded) at once, instead of
   * at the next poll; a poll already on its way, which read the state before it, is then ignored.
   */
  change: (update: (data: T) => T) => void;
};

/**
 * Polls a small JSON route while the tab is visible: every `intervalMs`, paused in a background tab
 * (and fetched at once on return), backing off ×2 up to `maxBackoffMs` after errors. Starts from
 * the server-rendered `initial`, so nothing flashes. `pollOnMount` asks at once as well, for a page
 * that may come from a cache (the anonymous store page, lib/http/page-cache.ts): its `initial` can
 * be a few seconds old. Same-origin GET only, no inline script or eval.
 * An answer only replaces what is shown if its request began after the shown data was read
 * (app/_components/live-reads.ts): a slow poll never undoes a newer server render or change.
 * `until` (a stable function: module-level) stops the polling for good once an answer (or
 * `initial`) satisfies it: a figure that can no longer change (what a payment freed, once the
 * drain has run).
 */
export function useLiveJson<T>(
  url: string,
  initial: T,
  {
    intervalMs = 5_000,
    maxBackoffMs = 60_000,
    pollOnMount = false,
    until,
  }: { intervalMs?: number; maxBackoffMs?: number; pollOnMount?: boolean; until?: (data: T) => boolean } = {},
): LiveJson<T> {
  const [shown, setShown] = useState<Stamped<T>>({ data: initial, ticket: 0 });
  const [lastInitial, setLastInitial] = useState(initial);
  const delay = useRef(intervalMs);
  const finished = until?.(initial) ?? false;
  // A new server render (router.refresh after an action) brings fresher figures: take them, ahead
  // of any poll still on its way (it began before the render arrived; the next one follows soon).
  if (initial !== lastInitial) {
    setLastInitial(initial);
    setShown({ data: initial, ticket: clock.begin() });
  }

  const change = useCallback((update: (data: T) => T) => {
    const ticket = clock.begin();
    setShown((s) => fresher(s, { data: update(s.data), ticket }));
  }, []);

  useEffect(() => {
    if (finished) return;
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
      const ticket = clock.begin();
      try {
        const res = await fetch(url, { cache: "no-store", credentials: "same-origin", signal: ctl.signal });
        if (!res.ok) throw new Error(`${res.status}`);
        const data = (await res.json()) as T;
        setShown((s) => fresher(s, { data, ticket }));
        delay.current = intervalMs;
        if (until?.(data)) return;
      } catch {
        if (ctl.signal.aborted) return;
        delay.current = Math.min(delay.current * 2, maxBackoffMs);
      }
      schedule(delay.current);
    }

    const onVisibility = () => {
      if (document.visibilityState === "visible") void tick();
      else clearTimeout(timer);
    };

    schedule(pollOnMount ? 0 : delay.current);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [url, intervalMs, maxBackoffMs, pollOnMount, finished, until]);

  return { data: shown.data, change };
}
