"use client";

import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, useSyncExternalStore, useTransition } from "react";
import useSWR from "swr";
import type { StoreLive } from "@/lib/merchants/live";
import { setNewOrderRingAction } from "./actions";

/** The console pages whose server render shows what the poll watches: they re-render on a change. */
const LIVE_PAGES = new Set(["/merchant", "/merchant/queue", "/merchant/orders"]);
const POLL_MS = 4_000;
const LIVE_URL = "/api/merchant/live";

async function fetchLive(url: string): Promise<StoreLive> {
  const res = await fetch(url, { cache: "no-store", headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`live poll: ${res.status}`);
  return (await res.json()) as StoreLive;
}

/** What the pages show of the live figures (the ring setting re-renders only this bar). */
function changeKey(live: StoreLive): string {
  const { ring: _ring, ...shown } = live;
  return JSON.stringify(shown);
}

// Whether the store rings is the owner's setting (StoreLive.ring, polled). Whether this page may make
// a sound is the browser's: audio starts only after a tap or a key on the page (autoplay policy). The
// first gesture anywhere on the console unlocks it; until then a ringing store's console says so.
let audio: AudioContext | null = null;
const unlockListeners = new Set<() => void>();
function subscribeUnlock(onChange: () => void): () => void {
  unlockListeners.add(onChange);
  return () => unlockListeners.delete(onChange);
}
const isUnlocked = () => audio !== null;
/** Called from a gesture only: makes (or resumes) the audio context, which the browser then lets play. */
function unlockAudio(): void {
  if (typeof window.AudioContext !== "function") return;
  const first = audio === null;
  audio ??= new window.AudioContext();
  void audio.resume();
  if (first) for (const l of unlockListeners) l();
}
/** Two short tones, made on the spot (no sound file to fetch). */
function beep(): void {
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
 * server (router.refresh keeps what is typed in forms). A newly paid order rings when the owner has
 * turned the ring on for the store and this page has been tapped. Starts from the figures the server
 * rendered, so an order paid between that render and the first poll still counts as new.
 */
export function LiveConsole({ initial, isOwner }: { initial: StoreLive; isOwner: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const t = useTranslations("merchant.live");
  const unlocked = useSyncExternalStore(subscribeUnlock, isUnlocked, () => false);
  const [rings, setRings] = useState(0);
  const [pending, startTransition] = useTransition();
  const [failed, setFailed] = useState<string | null>(null);
  const { data, mutate } = useSWR<StoreLive>(LIVE_URL, fetchLive, {
    fallbackData: initial,
    refreshInterval: POLL_MS,
    revalidateOnFocus: true,
    dedupingInterval: 1_000,
  });
  const live = data ?? initial;
  const seen = useRef(changeKey(initial));
  // A new paid order, noticed while rendering (React's way to adjust state to new data).
  const [lastPaid, setLastPaid] = useState(initial.lastPaid);
  if (live.lastPaid !== null && live.lastPaid !== lastPaid) {
    setLastPaid(live.lastPaid);
    if (live.ring && unlocked) setRings(rings + 1);
  }

  useEffect(() => {
    if (rings > 0) beep();
  }, [rings]);

  // Any tap or key on the page is the gesture the browser waits for. On click and keyup, not
  // pointerdown or keydown: unlocking hides the hint above the page, and hiding it between a press
  // and its release would move the page under the pointer, so the click would miss its button.
  useEffect(() => {
    if (unlocked) return;
    const onGesture = () => unlockAudio();
    window.addEventListener("click", onGesture, { once: true });
    window.addEventListener("keyup", onGesture, { once: true });
    return () => {
      window.removeEventListener("click", onGesture);
      window.removeEventListener("keyup", onGesture);
    };
  }, [unlocked]);

  useEffect(() => {
    const now = changeKey(live);
    if (now === seen.current) return;
    seen.current = now;
    if (LIVE_PAGES.has(pathname)) router.refresh();
  }, [live, pathname, router]);

  return (
    <div className="space-y-1 print:hidden" data-testid="live-console" data-rings={rings}>
      <div className="flex flex-wrap items-center justify-end gap-2 text-xs text-muted">
        <span aria-live="off" className="inline-flex items-center gap-1">
          <span aria-hidden className="h-2 w-2 rounded-full bg-green-500" />
          {t("updated")}
        </span>
        {isOwner ? (
          <label className="inline-flex min-h-11 cursor-pointer items-center gap-2 px-1" title={t("ringHint")}>
            <input
              type="checkbox"
              className="h-4 w-4 accent-brand-600"
              checked={live.ring}
              disabled={pending}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                if (on) unlockAudio();
                setFailed(null);
                const form = new FormData();
                form.set("ring", on ? "on" : "off");
                startTransition(async () => {
                  // Shown at once; the answer (or the next poll) settles it.
                  await mutate({ ...live, ring: on }, { revalidate: false });
                  const result = await setNewOrderRingAction(null, form);
                  if (result && !result.ok) setFailed(result.error);
                  await mutate();
                });
              }}
              data-testid="ring-toggle"
            />
            {t("ring")}
          </label>
        ) : live.ring ? (
          <span className="inline-flex min-h-11 items-center px-1" data-testid="ring-status">
            {t("ringByOwner")}
          </span>
        ) : null}
      </div>
      {failed ? (
        <p role="alert" className="text-right text-xs text-danger">
          {failed}
        </p>
      ) : null}
      {live.ring && !unlocked ? (
        <div role="status" className="flex flex-wrap items-center justify-end gap-2 text-sm" data-testid="ring-hint">
          <span>{t("locked")}</span>
          <button
            type="button"
            onClick={unlockAudio}
            className="inline-flex min-h-11 items-center rounded-xl border border-line px-3 font-medium text-brand-700"
            data-testid="ring-unlock"
          >
            {t("unlock")}
          </button>
        </div>
      ) : null}
    </div>
  );
}
