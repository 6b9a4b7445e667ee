"use client";

import { useLocale, useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { ruleText } from "@/lib/rules/rule-text";
import { percentInput } from "@/lib/rules/form";
import { DEFAULT_RULES } from "@/lib/rules/settings";
import { applyForStoreAction } from "./actions";

const FIELDS = ["name", "slug", "rebateBps"] as const;

/** The application form: store name, address and, optionally, the rebate. */
export function ApplyForm({ initial, submitLabel }: { initial?: { name: string; slug: string; rebate: string }; submitLabel: string }) {
  const t = useTranslations("customer.apply.form");
  const [state, action, pending] = useActionState(applyForStoreAction, null);
  const words = ruleText(useLocale());
  const failed = state && !state.ok ? state : null;
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const value = (name: (typeof FIELDS)[number], fallback: string) => failed?.values?.[name] ?? fallback;
  const formError = failed && !FIELDS.some((f) => errorFor(f)) ? failed.error : null;
  return (
    <form action={action} className="space-y-3" noValidate>
      <Field name="name" label={t("name")} maxLength={40} autoComplete="organization" defaultValue={value("name", initial?.name ?? "")} error={errorFor("name")} required />
      <Field
        name="slug"
        label={t("slug")}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        placeholder={t("slugPlaceholder")}
        defaultValue={value("slug", initial?.slug ?? "")}
        hint={t("slugHint")}
        error={errorFor("slug")}
        required
      />
      <Field
        name="rebateBps"
        label={t("rebate")}
        inputMode="decimal"
        autoComplete="off"
        placeholder={percentInput(DEFAULT_RULES.rebateBps)}
        defaultValue={value("rebateBps", initial?.rebate ?? "")}
        hint={t("rebateHint", { range: words.range("rebateBps"), fallback: percentInput(DEFAULT_RULES.rebateBps) })}
        error={errorFor("rebateBps")}
      />
      {formError ? <FormError>{formError}</FormError> : null}
      <Button type="submit" size="lg" pending={pending} pendingText={t("pending")}>
        {submitLabel}
      </Button>
    </form>
  );
}
