"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { Button, Field, FormError, FormSuccess } from "@/app/_components";
import type { ActionState } from "@/lib/auth/action";
import { formatFen } from "@/lib/money/format";
import { formAllianceAction } from "./actions";

export type CandidateStore = { merchantId: number; name: string; slug: string; poolFen: number; waitingCount: number; waitingFen: number };

type State = ActionState<{ allianceId: number; name: string; queueId: number; members: string[] }>;

/** The form that forms an alliance: name, payout mode, member stores, then a confirm step. */
export function AllianceForm({ candidates }: { candidates: CandidateStore[] }) {
  const [confirming, setConfirming] = useState(false);
  const [name, setName] = useState("");
  const [mode, setMode] = useState<"auto" | "manual">("auto");
  const [checked, setChecked] = useState<number[]>([]);
  const t = useTranslations("operator.alliances.form");
  const list = (names: string[]) => names.join(t("separator"));
  const [state, formAction, pending] = useActionState<State, FormData>(async (prev, formData) => {
    const next = await formAllianceAction(prev, formData);
    setConfirming(false);
    if (next?.ok) {
      setName("");
      setChecked([]);
    }
    return next;
  }, null);

  const chosen = candidates.filter((c) => checked.includes(c.merchantId));
  const fieldErrors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const toggle = (id: number) => setChecked((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));

  if (candidates.length === 0 && !state?.ok) return <p className="text-sm text-muted">{t("none")}</p>;

  return (
    <div className="space-y-4" data-testid="alliance-form">
      {/* Only the confirm step is a form, so pressing Enter in the name cannot skip the confirmation. */}
      {confirming ? (
        <form action={formAction} className="space-y-3 rounded-xl bg-amber-50 p-3 ring-1 ring-amber-200" role="alertdialog" aria-labelledby="alliance-confirm-title" data-testid="alliance-confirm">
          <input type="hidden" name="name" value={name} />
          <input type="hidden" name="payoutMode" value={mode} />
          {checked.map((id) => (
            <input key={id} type="hidden" name="merchantIds" value={id} />
          ))}
          <p id="alliance-confirm-title" className="font-semibold text-ink">{t("confirmTitle")}</p>
          <p className="text-sm text-ink">{t("confirmBody", { name: name.trim(), stores: list(chosen.map((c) => c.name)) })}</p>
          <ul className="list-disc pl-5 text-sm text-ink" data-testid="alliance-confirm-moves">
            {chosen.map((c) => (
              <li key={c.merchantId}>{t("moves", { name: c.name, count: c.waitingCount, amount: formatFen(c.waitingFen), pool: formatFen(c.poolFen) })}</li>
            ))}
          </ul>
          <p className="text-sm text-muted">{t("mergeRule")}</p>
          <p className="text-sm text-muted">{t(`modes.${mode}`)}</p>
          <div className="flex gap-2">
            <Button type="submit" pending={pending} pendingText={t("running")} data-testid="alliance-confirm-button">
              {t("confirm")}
            </Button>
            <Button type="button" variant="secondary" disabled={pending} onClick={() => setConfirming(false)}>
              {t("cancel")}
            </Button>
          </div>
        </form>
      ) : (
        <>
          <Field name="name" label={t("name")} hint={t("nameHint")} maxLength={40} value={name} onChange={(e) => setName(e.target.value)} error={fieldErrors.name} />

          <fieldset className="space-y-1.5">
            <legend className="text-sm font-medium text-ink">{t("mode")}</legend>
            {(["auto", "manual"] as const).map((m) => (
              <label key={m} className="flex items-center gap-2 text-sm">
                <input type="radio" name="payoutMode" value={m} checked={mode === m} onChange={() => setMode(m)} />
                {t(`modes.${m}`)}
              </label>
            ))}
          </fieldset>

          <fieldset className="space-y-1.5" aria-describedby="alliance-members-hint">
            <legend className="text-sm font-medium text-ink">{t("members")}</legend>
            <p id="alliance-members-hint" className="text-xs text-muted">{t("membersHint")}</p>
            <ul className="divide-y divide-line rounded-xl ring-1 ring-line" data-testid="alliance-candidates">
              {candidates.map((c) => {
                return (
                  <li key={c.merchantId} className="px-3 py-2">
                    <label className="flex items-start gap-2 text-sm text-ink">
                      <input
                        type="checkbox"
                        name="merchantIds"
                        value={c.merchantId}
                        className="mt-1"
                        checked={checked.includes(c.merchantId)}
                        onChange={() => toggle(c.merchantId)}
                        data-testid={`member-${c.slug}`}
                      />
                      <span>
                        <span className="font-medium">{c.name}</span>
                        <span className="ml-1.5 text-xs text-muted">/s/{c.slug}</span>
                        <span className="block text-xs text-muted">{t("carries", { count: c.waitingCount, amount: formatFen(c.waitingFen), pool: formatFen(c.poolFen) })}</span>
                      </span>
                    </label>
                  </li>
                );
              })}
            </ul>
            {fieldErrors.merchantIds ? (
              <p className="text-sm text-danger" role="alert">
                {fieldErrors.merchantIds}
              </p>
            ) : null}
          </fieldset>

          {state && !state.ok && !fieldErrors.name && !fieldErrors.merchantIds ? <FormError>{state.error}</FormError> : null}

          <Button type="button" disabled={name.trim().length === 0 || checked.length < 2} onClick={() => setConfirming(true)} data-testid="alliance-start">
            {t("start")}
          </Button>
        </>
      )}
      {!pending && state?.ok ? (
        <FormSuccess data-testid="alliance-done">
          {t("done", { name: state.name, stores: list(state.members) })}
        </FormSuccess>
      ) : null}
    </div>
  );
}
