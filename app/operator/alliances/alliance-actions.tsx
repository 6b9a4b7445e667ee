"use client";

import { useTranslations } from "next-intl";
import { createContext, use, useActionState, useState, type ReactNode } from "react";
import { ConfirmSubmit, FormError, FormSuccess } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import { dissolveAllianceAction, joinAllianceAction } from "./actions";

export type DissolveEffect = {
  allianceId: number;
  name: string;
  poolFen: number;
  members: { merchantId: number; name: string; movedEntries: number; movedFen: number; poolFen: number }[];
};

type DissolveState = Awaited<ReturnType<typeof dissolveAllianceAction>>;
const DissolveContext = createContext<{ action: (form: FormData) => void; pending: boolean } | null>(null);

/**
 * Holds the dissolve action above the alliances table and says how it went there: a dissolved
 * alliance's row leaves the table, and its form with it, so a result kept in the row would vanish.
 */
export function DissolveResults({ children }: { children: ReactNode }) {
  const t = useTranslations("operator.alliances.dissolve");
  const [state, action, pending] = useActionState<DissolveState | null, FormData>(dissolveAllianceAction, null);
  return (
    <DissolveContext value={{ action, pending }}>
      {state && !state.ok ? <FormError>{state.error}</FormError> : null}
      {!pending && state?.ok ? <FormSuccess data-testid="dissolve-done">{t("done", { name: state.name, count: state.entries, pool: formatFen(state.poolFen) })}</FormSuccess> : null}
      {children}
    </DissolveContext>
  );
}

/** Dissolve, with a dialog listing what each store gets back: its entries and its pool share. */
export function DissolveForm({ effect }: { effect: DissolveEffect }) {
  const t = useTranslations("operator.alliances.dissolve");
  const dissolve = use(DissolveContext);
  if (!dissolve) throw new Error("DissolveForm outside DissolveResults");
  const { action, pending } = dissolve;
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="allianceId" value={effect.allianceId} />
      <ConfirmSubmit
        variant="danger"
        size="sm"
        pending={pending}
        pendingText={t("running")}
        title={t("title", { name: effect.name })}
        confirmLabel={t("confirm")}
        data-testid={`dissolve-${effect.allianceId}`}
        effect={
          <div className="space-y-2">
            <p>{t("intro", { pool: formatFen(effect.poolFen) })}</p>
            <ul className="list-disc space-y-0.5 pl-5" data-testid="dissolve-effect">
              {effect.members.map((m) => (
                <li key={m.merchantId}>
                  {t("member", { name: m.name, count: m.movedEntries, amount: formatFen(m.movedFen), pool: formatFen(m.poolFen) })}
                </li>
              ))}
            </ul>
            <p className="text-muted">{t("rule")}</p>
          </div>
        }
      >
        {t("button")}
      </ConfirmSubmit>
    </form>
  );
}

export type JoinCandidate = { merchantId: number; name: string; waitingCount: number; waitingFen: number; poolFen: number };

/** Add a store to an alliance: the dialog says what moves with it, and where its entries go. */
export function JoinForm({ allianceId, allianceName, waitingCount, candidates }: { allianceId: number; allianceName: string; waitingCount: number; candidates: JoinCandidate[] }) {
  const t = useTranslations("operator.alliances.join");
  const [state, action, pending] = useActionState(joinAllianceAction, null);
  const [merchantId, setMerchantId] = useState("");
  const chosen = candidates.find((c) => String(c.merchantId) === merchantId);
  if (candidates.length === 0) return null;
  const selectId = `join-${allianceId}`;
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="allianceId" value={allianceId} />
      <div className="flex flex-wrap items-center gap-1.5">
        <label htmlFor={selectId} className="text-xs text-muted">
          {t("label")}
        </label>
        <select
          id={selectId}
          name="merchantId"
          value={merchantId}
          onChange={(e) => setMerchantId(e.target.value)}
          className="rounded-lg border border-line bg-surface px-2 py-1 text-sm"
          data-testid={`join-store-${allianceId}`}
        >
          <option value="">{t("choose")}</option>
          {candidates.map((c) => (
            <option key={c.merchantId} value={c.merchantId}>
              {c.name}
            </option>
          ))}
        </select>
        <ConfirmSubmit
          size="sm"
          variant="secondary"
          skip={!chosen}
          pending={pending}
          pendingText={t("running")}
          title={t("title", { store: chosen?.name ?? "", name: allianceName })}
          confirmLabel={t("confirm")}
          data-testid={`join-${allianceId}`}
          effect={
            chosen ? (
              <div className="space-y-2" data-testid="join-effect">
                <p>{t("entries", { store: chosen.name, count: chosen.waitingCount, amount: formatFen(chosen.waitingFen), ahead: waitingCount })}</p>
                <p>{t("pool", { pool: formatFen(chosen.poolFen) })}</p>
                <p className="text-muted">{t("rule")}</p>
              </div>
            ) : null
          }
        >
          {t("button")}
        </ConfirmSubmit>
      </div>
      {state && !state.ok ? <FormError>{state.fieldErrors?.merchantId ?? state.error}</FormError> : null}
      {!pending && state?.ok ? <FormSuccess data-testid="join-done">{t("done", { store: state.store, count: state.entries, pool: formatFen(state.poolFen) })}</FormSuccess> : null}
    </form>
  );
}
