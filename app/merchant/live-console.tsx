"use client";

import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import useSWR from "swr";
import type { StoreLive } from "@/lib/merchants/live";

/** The console pages whose server render shows what the poll watches: they re-render on a change. */
const LIVE_PAGES = new Set(["/merchant", "/merchant/queue", "/merchant/orders"]);
const POLL_MS = 4_000;
const RING_KEY = "freeline.merchant.ring";

async function fetchLive(url: string): Promise<StoreLive> {
  const res = await fetch(url, { cache: "no-store", headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`live poll: ${res.status}`);
  return (await res.json()) as StoreLive;
}

// The ring setting is this device's (the till's speaker), kept in localStorage; a change in one tab
// reaches the others through the storage event, and this tab through its own listeners.
const listeners = new Set<() => void>();
function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  window.addEventListener("storage", onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener("storage", onChange);
  };
}
function ringSetting(): boolean {
  try {
    return window.localStorage.getItem(RING_KEY) === "on";
  } catch {
    return false;
  }
}
function setRingSetting(on: boolean): void {
  try {
    window.localStorage.setItem(RING_KEY, on ? "on" : "off");
  } catch {
    // Storage refused (private mode): the setting lasts as long as the page.
  }
  for (const l of listeners) l();
}

let audio: AudioContext | null = null;
/** Browsers start audio only after a gesture: the context is made (or resumed) when the box is ticked. */
function unlockAudio(): void {
  if (typeof window.AudioContext !== "function") return;
  audio ??= new window.AudioContext();
  void audio.resume();
}
/** Two short tones, made on the spot (no sound file to fetch). */
function beep(): void {
  if (!audio) unlockAudio();
  if (!audio) return;
  const start = audio.currentTime;
  for (const [offset, hz] of [
    [0, 880],
    [0.18, 1320],
  ] as const) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + offset);
    osc.stop(start + offset + 0.17);
  }
}

/**
 * Keeps the merchant console current: polls the store's live figures (useSWR, every few seconds
 * while the tab is visible, at once on focus) and, when they change, re-renders the page from the
 * server (router.refresh keeps what is typed in forms). A newly paid order rings, if this device
 * opted in. Starts from the figures the server rendered, so an order paid between that render and
 * the first poll still counts as new.
 */
export function LiveConsole({ initial }: { initial: StoreLive }) {
  const router = useRouter();
  const pathname = usePathname();
  const t = useTranslations("merchant.live");
  const ring = useSyncExternalStore(subscribe, ringSetting, () => false);
  const [rings, setRings] = useState(0);
  const { data } = useSWR<StoreLive>("/api/merchant/live", fetchLive, {
    fallbackData: initial,
    refreshInterval: POLL_MS,
    revalidateOnFocus: true,
    dedupingInterval: 1_000,
  });
  const seen = useRef(JSON.stringify(initial));
  // A new paid order, noticed while rendering (React's way to adjust state to new data).
  const [lastPaid, setLastPaid] = useState(initial.lastPaid);
  if (data && data.lastPaid !== null && data.lastPaid !== lastPaid) {
    setLastPaid(data.lastPaid);
    if (ring) setRings(rings + 1);
  }

  useEffect(() => {
    if (rings > 0) beep();
  }, [rings]);

  useEffect(() => {
    if (!data) return;
    const now = JSON.stringify(data);
    if (now === seen.current) return;
    seen.current = now;
    if (LIVE_PAGES.has(pathname)) router.refresh();
  }, [data, pathname, router]);

  return (
    <div className="flex items-center justify-end gap-2 text-xs text-muted print:hidden" data-testid="live-console" data-rings={rings}>
      <span aria-live="off" className="inline-flex items-center gap-1">
        <span aria-hidden className="h-2 w-2 rounded-full bg-green-500" />
        {t("updated")}
      </span>
      <label className="inline-flex min-h-11 cursor-pointer items-center gap-2 px-1" title={t("ringHint")}>
        <input
          type="checkbox"
          className="h-4 w-4 accent-brand-600"
          checked={ring}
          onChange={(e) => {
            if (e.currentTarget.checked) unlockAudio();
            setRingSetting(e.currentTarget.checked);
          }}
          data-testid="ring-toggle"
        />
        {t("ring")}
      </label>
    </div>
  );
}
