"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Button, FormError, FormSuccess } from "@/app/_components";

type Status = { kind: "idle" } | { kind: "busy" } | { kind: "ok"; text: string } | { kind: "error"; text: string };

/**
 * Uploads the cover photo to /api/merchant/photo, which checks, resizes and stores it. The server
 * decides what is acceptable; its refusal is shown as it says it.
 */
export function PhotoUpload({ photoUrl }: { photoUrl: string | null }) {
  const t = useTranslations("merchant.profile.photo");
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>({ kind: "idle" });

  async function send(method: "POST" | "DELETE", body?: FormData) {
    setStatus({ kind: "busy" });
    try {
      const res = await fetch("/api/merchant/photo", { method, body });
      const data = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      if (!res.ok) {
        setStatus({ kind: "error", text: data?.error?.message ?? t("failed") });
        return;
      }
      setStatus({ kind: "ok", text: method === "POST" ? t("uploaded") : t("removed") });
      if (input.current) input.current.value = "";
      router.refresh();
    } catch {
      setStatus({ kind: "error", text: t("failed") });
    }
  }

  return (
    <div className="space-y-3">
      {photoUrl ? (
        // eslint-disable-next-line @next/next/no-img-element -- our own route serves it, already resized
        <img src={photoUrl} alt={t("current")} className="aspect-[3/2] w-full max-w-md rounded-xl object-cover" data-testid="profile-photo" />
      ) : (
        <p className="text-sm text-muted">{t("none")}</p>
      )}
      <form
        className="space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          const file = input.current?.files?.[0];
          if (!file) {
            setStatus({ kind: "error", text: t("choose") });
            return;
          }
          const body = new FormData();
          body.append("photo", file);
          void send("POST", body);
        }}
      >
        <label htmlFor="f-photo" className="block text-sm font-medium text-ink">
          {t("label")}
        </label>
        <input
          ref={input}
          id="f-photo"
          name="photo"
          type="file"
          accept="image/jpeg,image/png,image/webp"
          aria-describedby="f-photo-hint"
          className="block w-full text-sm file:mr-3 file:min-h-11 file:rounded-xl file:border-0 file:bg-brand-50 file:px-4 file:text-brand-800"
        />
        <p id="f-photo-hint" className="text-xs text-muted">
          {t("hint")}
        </p>
        {status.kind === "error" ? <FormError>{status.text}</FormError> : null}
        {status.kind === "ok" ? <FormSuccess data-testid="photo-status">{status.text}</FormSuccess> : null}
        <div className="flex flex-wrap gap-3">
          <Button type="submit" pending={status.kind === "busy"} pendingText={t("pending")}>
            {t("upload")}
          </Button>
          {photoUrl ? (
            <Button type="button" variant="secondary" disabled={status.kind === "busy"} onClick={() => void send("DELETE")}>
              {t("remove")}
            </Button>
          ) : null}
        </div>
      </form>
    </div>
  );
}
