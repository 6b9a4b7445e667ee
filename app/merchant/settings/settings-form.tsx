"use client";

import { useActionState, useState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { formatFen } from "@/lib/money/format";
import {
  parsePercent,
  parseYuanOrZero,
  PAYOUT_MODE_LABEL,
  percentInput,
  percentText,
  ruleRangeText,
  yuanInput,
  type MerchantRules,
} from "@/lib/rules/form";
import { computeShares } from "@/lib/rules/shares";
import type { PayoutMode } from "@/lib/rules/settings";
import { queueUnits } from "@/lib/rules/units";
import { changeRulesAction } from "./actions";

type TextKey = Exclude<keyof MerchantRules, "payoutMode">;

const FIELDS: { key: TextKey; label: string; unit: "%" | "元"; hint: string }[] = [
  { key: "rebateBps", label: "让利比例", unit: "%", hint: "每笔订单实付金额中拿出的比例" },
  { key: "pointsBps", label: "积分比例", unit: "%", hint: "让利中以绿色积分返给顾客的比例" },
  { key: "freeBps", label: "免单目标", unit: "%", hint: "每个排队条目的目标占实付金额的比例" },
  { key: "unitCapFen", label: "拆单上限", unit: "元", hint: "大单拆成每份不超过此金额排队" },
  { key: "minOrderFen", label: "排队门槛", unit: "元", hint: "低于此金额的订单只得积分、不排队" },
  { key: "exitCompBps", label: "退出补偿", unit: "%", hint: "顾客退出排队时按目标金额补偿的积分比例" },
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
  const [text, setText] = useState<Record<TextKey, string>>(() => {
    const t = {} as Record<TextKey, string>;
    for (const f of FIELDS) t[f.key] = toText(f.key, current[f.key]);
    return t;
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

  return (
    <form action={action} className="space-y-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        {FIELDS.map((f) => (
          <Field
            key={f.key}
            name={f.key}
            label={`${f.label}（${f.unit}）`}
            inputMode="decimal"
            autoComplete="off"
            value={text[f.key]}
            onChange={(e) => setText((t) => ({ ...t, [f.key]: e.target.value }))}
            hint={`${f.hint}。范围 ${ruleRangeText(f.key)}，当前 ${toText(f.key, current[f.key])}${f.unit === "%" ? "%" : " 元"}`}
            error={errorFor(f.key)}
          />
        ))}
      </div>

      <fieldset className="space-y-1.5">
        <legend className="text-sm font-medium text-ink">派发方式</legend>
        {alliance ? (
          <>
            <input type="hidden" name="payoutMode" value={alliance.payoutMode} />
            <p className="text-sm">
              {PAYOUT_MODE_LABEL[alliance.payoutMode]}（本店属于异业联盟“{alliance.name}”，派发方式由联盟统一设置）
            </p>
          </>
        ) : (
          <div className="flex gap-4 text-sm">
            {(["auto", "manual"] as const).map((m) => (
              <label key={m} className="flex items-center gap-2">
                <input type="radio" name="payoutMode" value={m} checked={mode === m} onChange={() => setMode(m)} />
                {PAYOUT_MODE_LABEL[m]}
              </label>
            ))}
          </div>
        )}
        <p className="text-xs text-muted">自动：免单池够付队首时立即派发；人工：由平台运营在后台运行派发。</p>
        {errorFor("payoutMode") ? (
          <p role="alert" className="text-sm text-danger">
            {errorFor("payoutMode")}
          </p>
        ) : null}
      </fieldset>

      <section aria-label="示例" className="rounded-xl bg-canvas p-3 text-sm" data-testid="live-example">
        <h3 className="mb-1 font-medium">按上面的数值：¥100.00 的订单</h3>
        {example ? (
          <ul className="list-disc space-y-0.5 pl-5">
            <li>让利 {formatFen(example.shares.rebateFen)}：平台服务费 {formatFen(example.shares.platformFeeFen)}（让利的 {percentText(platformFeeBps)}），积分 {example.shares.pointsEarned} 分，进入免单池 {formatFen(example.shares.poolFen)}</li>
            <li>商家实收 {formatFen(example.shares.merchantNetFen)}</li>
            <li>
              ¥350.00 的订单排队：
              {example.units.length === 0 ? "不排队（低于门槛或目标为 0）" : example.units.map((u) => formatFen(u)).join(" + ")}
            </li>
          </ul>
        ) : (
          <p className="text-muted">请先修正上面的数值。</p>
        )}
      </section>

      {formError ? <FormError>{formError}</FormError> : null}
      <div role="status" aria-live="polite" data-testid="settings-status">
        {state?.ok ? (
          <p className="rounded-xl bg-green-50 px-3 py-2 text-sm text-green-800">
            {state.changed ? `已保存为第 ${state.version} 版，之后的新订单按新规则执行。` : `规则没有变化，仍为第 ${state.version} 版。`}
          </p>
        ) : null}
      </div>
      <Button type="submit" pending={pending} pendingText="正在保存…">
        保存为新版本
      </Button>
    </form>
  );
}
