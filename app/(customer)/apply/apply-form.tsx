"use client";

import { useLocale } from "next-intl";
import { useActionState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { ruleText } from "@/i18n/rule-text";
import { percentInput } from "@/lib/rules/form";
import { DEFAULT_RULES } from "@/lib/rules/settings";
import { applyForStoreAction } from "./actions";

const FIELDS = ["name", "slug", "rebateBps"] as const;

/** The application form: store name, address and, optionally, the rebate. */
export function ApplyForm({ initial, submitLabel }: { initial?: { name: string; slug: string; rebate: string }; submitLabel: string }) {
  const [state, action, pending] = useActionState(applyForStoreAction, null);
  const words = ruleText(useLocale());
  const failed = state && !state.ok ? state : null;
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const value = (name: (typeof FIELDS)[number], fallback: string) => failed?.values?.[name] ?? fallback;
  const formError = failed && !FIELDS.some((f) => errorFor(f)) ? failed.error : null;
  return (
    <form action={action} className="space-y-3" noValidate>
      <Field name="name" label="店铺名称" maxLength={40} autoComplete="organization" defaultValue={value("name", initial?.name ?? "")} error={errorFor("name")} required />
      <Field
        name="slug"
        label="店铺地址"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        placeholder="例如 green-tea"
        defaultValue={value("slug", initial?.slug ?? "")}
        hint="顾客扫码打开 /s/店铺地址。2–41 位小写字母、数字或连字符，以字母或数字开头。"
        error={errorFor("slug")}
        required
      />
      <Field
        name="rebateBps"
        label="让利比例（%，可选）"
        inputMode="decimal"
        autoComplete="off"
        placeholder={percentInput(DEFAULT_RULES.rebateBps)}
        defaultValue={value("rebateBps", initial?.rebate ?? "")}
        hint={`每笔订单实付金额中让利给免单池与积分的比例，范围 ${words.range("rebateBps")}，不填为平台默认 ${percentInput(DEFAULT_RULES.rebateBps)}%。通过后可在“规则设置”中调整。`}
        error={errorFor("rebateBps")}
      />
      {formError ? <FormError>{formError}</FormError> : null}
      <Button type="submit" size="lg" pending={pending} pendingText="正在提交…">
        {submitLabel}
      </Button>
    </form>
  );
}
