"use client";

import { useEffect, useState } from "react";
import { Button, FormError } from "@/app/_components";
import { deletePushSubscriptionAction, savePushSubscriptionAction } from "../actions";

type Texts = { on: string; off: string; enable: string; enabling: string; disable: string; unsupported: string; denied: string; serverOff: string; failed: string };
type Status = "checking" | "unsupported" | "denied" | "on" | "off";

/** The VAPID public key as the bytes PushManager.subscribe wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

/**
 * Turns Web Push on or off for this browser: registers the service worker (public/sw.js), asks
 * for permission, subscribes with the server's VAPID key and stores the subscription.
 */
export function PushToggle({ publicKey, texts }: { publicKey: string | null; texts: Texts }) {
  const [status, setStatus] = useState<Status>("checking");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return "unsupported" as const;
      if (Notification.permission === "denied") return "denied" as const;
      const reg = await navigator.serviceWorker.getRegistration("/");
      const sub = await reg?.pushManager.getSubscription();
      return sub ? ("on" as const) : ("off" as const);
    })()
      .catch(() => "unsupported" as const)
      .then((s) => {
        if (live) setStatus(s);
      });
    return () => {
      live = false;
    };
  }, []);

  async function enable() {
    if (!publicKey) return;
    setBusy(true);
    setError(null);
    try {
      const reg = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        setStatus(permission === "denied" ? "denied" : "off");
        return;
      }
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
      const json = sub.toJSON();
      const res = await savePushSubscriptionAction(null, form({ endpoint: json.endpoint ?? "", p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" }));
      if (!res?.ok) {
        await sub.unsubscribe();
        setError(res?.error ?? texts.failed);
        return;
      }
      setStatus("on");
    } catch {
      setError(texts.failed);
    } finally {
      setBusy(false);
    }
  }

  async function disable() {
    setBusy(true);
    setError(null);
    try {
      const reg = await navigator.serviceWorker.getRegistration("/");
      const sub = await reg?.pushManager.getSubscription();
      if (sub) {
        await deletePushSubscriptionAction(null, form({ endpoint: sub.endpoint }));
        await sub.unsubscribe();
      }
      setStatus("off");
    } catch {
      setError(texts.failed);
    } finally {
      setBusy(false);
    }
  }

  if (!publicKey) return <p className="text-sm text-muted" data-testid="push-status">{texts.serverOff}</p>;
  return (
    <div className="space-y-3" aria-busy={status === "checking"}>
      <p className="text-sm text-muted" data-testid="push-status">
        {status === "unsupported" ? texts.unsupported : status === "denied" ? texts.denied : status === "on" ? texts.on : status === "off" ? texts.off : "…"}
      </p>
      {status === "off" ? (
        <Button onClick={enable} pending={busy} pendingText={texts.enabling} data-testid="push-enable">
          {texts.enable}
        </Button>
      ) : null}
      {status === "on" ? (
        <Button variant="secondary" onClick={disable} pending={busy} data-testid="push-disable">
          {texts.disable}
        </Button>
      ) : null}
      {error ? <FormError>{error}</FormError> : null}
    </div>
  );
}
