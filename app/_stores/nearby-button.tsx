"use client";

import { useTranslations } from "next-intl";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, useSyncExternalStore } from "react";
import { buttonClass } from "@/app/_components";

const noSubscribe = () => () => {};

/**
 * Asks the browser for the visitor's location (only on a click) and reloads the list with it, so
 * the server can add the stores nearby. The position goes no further than this site's own query.
 */
export function NearbyButton() {
  const t = useTranslations("customer.home.nearby");
  const router = useRouter();
  const params = useSearchParams();
  const [state, setState] = useState<"idle" | "busy" | "denied" | "unsupported">("idle");
  // The server's HTML shows the button disabled until the page is hydrated: a click before that
  // would reach no handler and do nothing (on a slow phone, a tap that silently fails).
  const hydrated = useSyncExternalStore(noSubscribe, () => true, () => false);
  return (
    <div className="space-y-1">
      <button
        type="button"
        className={buttonClass("secondary", "md")}
        disabled={!hydrated || state === "busy"}
        data-testid="nearby-button"
        onClick={() => {
          if (!("geolocation" in navigator)) {
            setState("unsupported");
            return;
          }
          setState("busy");
          navigator.geolocation.getCurrentPosition(
            (pos) => {
              const next = new URLSearchParams(params.toString());
              next.set("near", `${pos.coords.latitude.toFixed(5)},${pos.coords.longitude.toFixed(5)}`);
              setState("idle");
              router.push(`/?${next.toString()}`);
            },
            () => setState("denied"),
            { maximumAge: 60_000, timeout: 15_000 },
          );
        }}
      >
        {state === "busy" ? t("locating") : t("button")}
      </button>
      {state === "denied" || state === "unsupported" ? (
        <p role="status" className="text-xs text-muted">
          {t(state)}
        </p>
      ) : null}
    </div>
  );
}
