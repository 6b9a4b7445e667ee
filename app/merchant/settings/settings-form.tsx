"use client";

import { useLocale, useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { ConfirmSubmit, Field, FormError } from "@/app/_components";
import { ruleText } from "@/lib/rules/rule-text";
import { formatFen } from "@/lib/money/format";
import { parsePercent, parseYuanOrZero, percentInput, percentText, yuanInput, type MerchantRules } from "@/lib/rules/form";
import { computeShares } from "@/lib/rules/shares";
import type { PayoutMode } from "@/lib/rules/settings";
import { queueUnits } from "@/lib/rules/units";
import { changeRulesAction } from "./actions";

type TextKey = Exclude<keyof MerchantRules, "payoutMode">;

const FIELDS: { key: TextKey; unit: "percent" | "yuan" }[] = [
  { key: "rebateBps", unit: "percent" },
  { key: "pointsBps", unit: "percent" },
  { key: "freeBps", unit: "percent" },
  { key: "unitCapFen", unit: "yuan" },
  { key: "minOrderFen", unit: "yuan" },
  { key: "exitCompBps", unit: "percent" },
];

function toText(key: TextKey, v: number): string {
  return key === "unitCapFen" || key === "minOrderFen" ? yuanInput(v) : percentInput(v);
}

function parse(key: TextKey, s: string) {
  return key === "unitCapFen" || key === "minOrderFen" ? parseYuanOrZero(s) : parsePercent(s);
}

/** The merchant's settings with their ranges, a worked example that follows the typed values, and save. */
export function SettingsForm({
  current,
  platformFeeBps,
  alliance,
}: {
  current: MerchantRules;
  platformFeeBps: number;
  /** When the store is in an alliance, its queue's mode is the alliance's. */
  alliance: { name: string; payoutMode: PayoutMode } | null;
}) {
  const [state, action, pending] = useActionState(changeRulesAction, null);
  const t = useTranslations("merchant.settings.form");
  const words = ruleText(useLocale());
  const [text, setText] = useState<Record<TextKey, string>>(() => {
    const initial = {} as Record<TextKey, string>;
    for (const f of FIELDS) initial[f.key] = toText(f.key, current[f.key]);
    return initial;
  });
  const [mode, setMode] = useState<PayoutMode>(alliance?.payoutMode ?? current.payoutMode);
  const failed = state && !state.ok ? state : null;
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const formError = failed && !failed.fieldErrors && !failed.field ? failed.error : null;

  // The live example: only when every figure it needs parses.
  const values: Partial<Record<TextKey, number>> = {};
  for (const f of FIELDS) {
    const r = parse(f.key, text[f.key]);
    if (r.ok) values[f.key] = r.value;
  }
  let example: { shares: ReturnType<typeof computeShares>; units: number[] } | null = null;
  try {
    if (values.rebateBps !== undefined && values.pointsBps !== undefined && values.freeBps !== undefined && values.unitCapFen !== undefined && values.minOrderFen !== undefined) {
      example = {
        shares: computeShares(10_000, { rebateBps: values.rebateBps, platformFeeBps, pointsBps: values.pointsBps }),
        units: queueUnits(35_000, { freeBps: values.freeBps, unitCapFen: values.unitCapFen, minOrderFen: values.minOrderFen }),
      };
    }
  } catch {
    example = null; // out of range (e.g. fee + points over 100%): the field errors say why on save
  }

  // What saving changes, field by field; only when every figure parses (else saving shows the errors).
  const show = (key: TextKey, v: number) => (key === "unitCapFen" || key === "minOrderFen" ? formatFen(v) : percentText(v));
  const complete = FIELDS.every((f) => values[f.key] !== undefined);
  const changes = complete
    ? [
        ...FIELDS.filter((f) => values[f.key] !== current[f.key]).map((f) => ({
          key: f.key as string,
          text: t("changeLine", { label: words.label(f.key), from: show(f.key, current[f.key]), to: show(f.key, values[f.key]!) }),
        })),
        ...(!alliance && mode !== current.payoutMode
          ? [{ key: "payoutMode", text: t("changeLine", { label: words.label("payoutMode"), from: words.mode(current.payoutMode), to: words.mode(mode) }) }]
          : []),
      ]
    : [];

  return (
    <form action={action} className="space-y-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        {FIELDS.map((f) => (
          <Field
            key={f.key}
            name={f.key}
            label={t("fieldLabel", { label: words.label(f.key), unit: t(`unit.${f.unit}`) })}
            inputMode="decimal"
            autoComplete="off"
            value={text[f.key]}
            onChange={(e) => setText((prev) => ({ ...prev, [f.key]: e.target.value }))}
            hint={t("fieldHint", {
              hint: t(`hint.${f.key}`),
              range: words.range(f.key),
              current: t(`current.${f.unit}`, { value: toText(f.key, current[f.key]) }),
            })}
            error={errorFor(f.key)}
          />
        ))}
      </div>

      <fieldset className="space-y-1.5">
        <legend className="text-sm font-medium text-ink">{words.label("payoutMode")}</legend>
        {alliance ? (
          <>
            <input type="hidden" name="payoutMode" value={alliance.payoutMode} />
            <p className="text-sm">
              {t("allianceMode", { mode: words.mode(alliance.payoutMode), name: alliance.name })}
            </p>
          </>
        ) : (
          <div className="flex gap-4 text-sm">
            {(["auto", "manual"] as const).map((m) => (
              <label key={m} className="flex items-center gap-2">
                <input type="radio" name="payoutMode" value={m} checked={mode === m} onChange={() => setMode(m)} />
                {words.mode(m)}
              </label>
            ))}
          </div>
        )}
        <p className="text-xs text-muted">{t("modeHelp")}</p>
        {errorFor("payoutMode") ? (
          <p role="alert" className="text-sm text-danger">
            {errorFor("payoutMode")}
          </p>
        ) : null}
      </fieldset>

      <section aria-label={t("example")} className="rounded-xl bg-canvas p-3 text-sm" data-testid="live-example">
        <h3 className="mb-1 font-medium">{t("exampleTitle", { amount: formatFen(10_000) })}</h3>
        {example ? (
          <ul className="list-disc space-y-0.5 pl-5">
            <li>
              {t("exampleShares", {
                rebate: formatFen(example.shares.rebateFen),
                fee: formatFen(example.shares.platformFeeFen),
                feePercent: percentText(platformFeeBps),
                points: example.shares.pointsEarned,
                pool: formatFen(example.shares.poolFen),
              })}
            </li>
            <li>{t("exampleNet", { net: formatFen(example.shares.merchantNetFen) })}</li>
            <li>
              {t("exampleUnits", {
                amount: formatFen(35_000),
                units: example.units.length === 0 ? t("exampleNoUnits") : example.units.map((u) => formatFen(u)).join(" + "),
              })}
            </li>
          </ul>
        ) : (
          <p className="text-muted">{t("fixFirst")}</p>
        )}
      </section>

      {formError ? <FormError>{formError}</FormError> : null}
      <div role="status" aria-live="polite" data-testid="settings-status">
        {state?.ok ? (
          <p className="rounded-xl bg-green-50 px-3 py-2 text-sm text-green-800">
            {state.changed ? t("saved", { version: state.version }) : t("unchanged", { version: state.version })}
          </p>
        ) : null}
      </div>
      <ConfirmSubmit
        pending={pending}
        pendingText={t("saving")}
        // Nothing to confirm: a figure to fix first (the save says which), or nothing changed (the save says so).
        skip={example === null || changes.length === 0}
        data-testid="save-rules"
        title={t("confirmTitle")}
        effect={
          <div className="space-y-2" data-testid="rules-effect">
            <ul className="list-disc space-y-0.5 pl-5">
              {changes.map((c) => (
                <li key={c.key}>{c.text}</li>
              ))}
            </ul>
            {example ? (
              <p>
                {t("confirmExample", {
                  amount: formatFen(10_000),
                  rebate: formatFen(example.shares.rebateFen),
                  points: example.shares.pointsEarned,
                  pool: formatFen(example.shares.poolFen),
                  net: formatFen(example.shares.merchantNetFen),
                })}
              </p>
            ) : null}
            <p className="text-muted">{t("confirmRule")}</p>
          </div>
        }
        confirmLabel={t("confirmGo")}
      >
        {t("save")}
      </ConfirmSubmit>
    </form>
  );
}
