"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { Button, Input } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";

type SendResult = ActionState<{ devCode?: string }>;

/**
 * The code field with its "get code" button. The number is read from the form's `phoneField` input
 * when the button is pressed; after a send the button counts down the wait before another.
 */
export function SmsCodeField({
  phoneField,
  send,
  label,
  hint,
  error,
}: {
  phoneField: string;
  send: (prev: SendResult, form: FormData) => Promise<SendResult>;
  label: string;
  hint?: string;
  error: string | null;
}) {
  const t = useTranslations("auth.smsCode");
  const box = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState(false);
  const [wait, setWait] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);

  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  async function onSend() {
    const input = box.current?.closest("form")?.elements.namedItem(phoneField);
    const phone = input instanceof HTMLInputElement ? input.value.trim() : "";
    setNote(null);
    setSendError(null);
    if (!phone) {
      setSendError(t("phoneFirst"));
      return;
    }
    setBusy(true);
    try {
      const form = new FormData();
      form.set("phone", phone);
      const res = await send(null, form);
      if (res?.ok) {
        setWait(60);
        setNote(res.devCode ? `${t("sent", { phone })} ${t("devCode", { code: res.devCode })}` : t("sent", { phone }));
      } else {
        setSendError(res?.fieldErrors?.phone ?? res?.error ?? null);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div ref={box} className="space-y-1.5">
      <label htmlFor="f-code" className="block text-sm font-medium text-ink">
        {label}
      </label>
      <div className="flex gap-2">
        <Input
          id="f-code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={[error ? "f-code-error" : null, hint ? "f-code-hint" : null].filter(Boolean).join(" ") || undefined}
          className="min-w-0 flex-1"
        />
        <Button type="button" variant="secondary" onClick={onSend} pending={busy} pendingText={t("sending")} disabled={wait > 0} className="shrink-0" data-testid="send-code">
          {wait > 0 ? t("resend", { seconds: wait }) : t("send")}
        </Button>
      </div>
      {error ? (
        <p id="f-code-error" className="text-sm text-danger" role="alert">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id="f-code-hint" className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
      {note ? (
        <p role="status" className="text-sm text-green-800" data-testid="code-sent">
          {note}
        </p>
      ) : null}
      {sendError ? (
        <p role="alert" className="text-sm text-danger">
          {sendError}
        </p>
      ) : null}
    </div>
  );
}
