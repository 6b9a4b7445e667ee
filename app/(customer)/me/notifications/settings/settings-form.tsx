"use client";

import { useActionState } from "react";
import { Button, FormError, FormSuccess } from "@/app/_components";
import type { NotificationChannel, NotificationKind } from "@/lib/notifications/kinds";
import { saveNotificationSettingsAction } from "../actions";

export type SettingsRow = { kind: NotificationKind; label: string; switchable: boolean; on: Record<NotificationChannel, boolean> };

/** A table of kinds × channels (push, SMS); security rows are shown checked and cannot be changed. */
export function SettingsForm({
  rows,
  texts,
}: {
  rows: SettingsRow[];
  texts: { kind: string; push: string; sms: string; alwaysOn: string; save: string; saving: string; saved: string };
}) {
  const [state, action, pending] = useActionState(saveNotificationSettingsAction, null);
  const channels = [
    ["push", texts.push],
    ["sms", texts.sms],
  ] as const;
  return (
    <form action={action} className="space-y-4" data-testid="notification-settings">
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-muted">
            <th scope="col" className="py-2 font-medium">
              {texts.kind}
            </th>
            {channels.map(([c, label]) => (
              <th key={c} scope="col" className="w-16 py-2 text-center font-medium">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.kind} className="border-t border-line">
              <th scope="row" className="py-2 text-left font-normal text-ink">
                {r.label}
                {r.switchable ? null : <span className="block text-xs text-muted">{texts.alwaysOn}</span>}
              </th>
              {channels.map(([c, label]) => (
                <td key={c} className="text-center">
                  <label className="inline-flex size-11 items-center justify-center">
                    <span className="sr-only">
                      {r.label} · {label}
                    </span>
                    <input
                      type="checkbox"
                      name={`${r.kind}.${c}`}
                      defaultChecked={r.on[c]}
                      disabled={!r.switchable}
                      className="size-5 accent-brand-600"
                      data-testid={`setting-${r.kind}-${c}`}
                    />
                  </label>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
      {state?.ok ? <FormSuccess>{texts.saved}</FormSuccess> : null}
      <Button type="submit" size="lg" pending={pending} pendingText={texts.saving}>
        {texts.save}
      </Button>
    </form>
  );
}
