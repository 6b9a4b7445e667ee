"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import useSWR from "swr";

export type LiveJson<T> = {
  /** The newest of the server render, the polls and the page's own changes. */
  data: T;
  /**
   * Applies a change the page knows has happened (an action it ran succeeded) at once, instead of
   * at the next poll; a poll already on its way, which read the state before it, is then ignored.
   */
  change: (update: (data: T) => T) => void;
};

// Each mounted view polls under its own key. SWR's cache is shared by the whole page, so a view
// mounted again (back to /me after another tab) would otherwise start from the answer an earlier
// view got, which is older than the server render it was given.
let mounts = 0;

async function getJson<T>([url]: readonly [string, number]): Promise<T> {
  const res = await fetch(url, { cache: "no-store", credentials: "same-origin" });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
}

/**
 * Polls a small JSON route with SWR while the tab is visible: every `intervalMs`, paused in a
 * background tab (and fetched at once when it comes back), backing off ×2 up to `maxBackoffMs`
 * after errors. Starts from the server-rendered `initial`, so nothing flashes; `pollOnMount` asks at
 * once as well, for a page that may come from a cache (the anonymous store page) and so be a few
 * seconds old. `until` (a stable, module-level function) stops the polling for good once an answer
 * (or `initial`) satisfies it: a figure that can no longer change.
 *
 * An old answer never replaces a newer one: the page's own changes and each new server render
 * (router.refresh after an action) go in as SWR mutations, and SWR drops the answer of any request
 * that began before the latest mutation (e2e/live-queue.e2e.ts holds such an answer back and checks).
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
  const [mount] = useState(() => ++mounts);
  const [finished, setFinished] = useState(() => until?.(initial) ?? false);
  const { data = initial, mutate } = useSWR<T, Error, readonly [string, number]>([url, mount], getJson<T>, {
    fallbackData: initial,
    revalidateOnMount: pollOnMount && !finished,
    // Once finished, showing the tab or coming back online no longer asks either.
    revalidateOnFocus: !finished,
    revalidateOnReconnect: !finished,
    revalidateIfStale: false,
    refreshInterval: (latest) => (until?.(latest ?? initial) ? 0 : intervalMs),
    refreshWhenHidden: false,
    // A poll every few seconds, never two of them in one interval.
    dedupingInterval: Math.min(1_000, intervalMs / 2),
    onErrorRetry: (_error, _key, _config, revalidate, { retryCount }) => {
      const wait = Math.min(intervalMs * 2 ** retryCount, maxBackoffMs);
      // A hidden tab asks again when it is shown (SWR revalidates on visibility and focus).
      setTimeout(() => document.visibilityState === "visible" && void revalidate({ retryCount }), wait);
    },
  });
  if (!finished && until?.(data)) setFinished(true);

  // A new server render brings fresher figures than any poll already on its way: take it as a
  // mutation, so that SWR ignores those polls' answers.
  const lastInitial = useRef(initial);
  useEffect(() => {
    if (initial === lastInitial.current) return;
    lastInitial.current = initial;
    void mutate(initial, { revalidate: false });
  }, [initial, mutate]);

  const change = useCallback(
    (update: (data: T) => T) => void mutate((d) => update(d ?? initial), { revalidate: false }),
    [mutate, initial],
  );

  return { data, change };
}
