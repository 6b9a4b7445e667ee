"use client";

import { useLocale, useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { Button, Field, FormError } from "@/app/_components";
import { suggestSlug } from "@/lib/merchants/slug-suggestion";
import { ruleText } from "@/lib/rules/rule-text";
import { percentInput } from "@/lib/rules/form";
import { DEFAULT_RULES } from "@/lib/rules/settings";
import { applyForStoreAction } from "./actions";

const FIELDS = ["name", "slug", "businessName", "licenceNo", "contactPhone", "address", "rebateBps"] as const;
type FieldName = (typeof FIELDS)[number];

export type ApplicationInitial = Partial<Record<FieldName, string>>;

/**
 * The application form: the store's name and link (suggested from the name until the applicant
 * edits it), the business as registered (name, licence number), a contact phone, the address and,
 * optionally, the rebate.
 */
export function ApplyForm({ initial, submitLabel }: { initial?: ApplicationInitial; submitLabel: string }) {
  const t = useTranslations("customer.apply.form");
  const [state, action, pending] = useActionState(applyForStoreAction, null);
  const words = ruleText(useLocale());
  const failed = state && !state.ok ? state : null;
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const value = (name: FieldName) => failed?.values?.[name] ?? initial?.[name] ?? "";
  const formError = failed && !FIELDS.some((f) => errorFor(f)) ? failed.error : null;
  // The link follows the name until the applicant types in it (or it was given already).
  const [slug, setSlug] = useState(value("slug"));
  const [slugEdited, setSlugEdited] = useState(value("slug") !== "");
  const text = (name: Exclude<FieldName, "rebateBps">, props: Omit<Parameters<typeof Field>[0], "name" | "label"> = {}) => (
    <Field name={name} label={t(name)} defaultValue={value(name)} error={errorFor(name)} {...props} />
  );
  return (
    <form action={action} className="space-y-3" noValidate>
      <Field
        name="name"
        label={t("name")}
        maxLength={40}
        autoComplete="organization"
        defaultValue={value("name")}
        error={errorFor("name")}
        onChange={(e) => {
          if (!slugEdited) setSlug(suggestSlug(e.currentTarget.value));
        }}
        required
      />
      <Field
        name="slug"
        label={t("slug")}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        placeholder={t("slugPlaceholder")}
        value={slug}
        onChange={(e) => {
          setSlug(e.currentTarget.value);
          setSlugEdited(true);
        }}
        hint={t("slugHint", { link: `/s/${slug || t("slugPlaceholder")}` })}
        error={errorFor("slug")}
        required
      />
      {text("businessName", { maxLength: 40, hint: t("businessNameHint"), required: true })}
      {text("licenceNo", { autoComplete: "off", autoCapitalize: "characters", spellCheck: false, maxLength: 18, hint: t("licenceNoHint"), required: true })}
      {text("contactPhone", { type: "tel", inputMode: "tel", autoComplete: "tel", maxLength: 20, hint: t("contactPhoneHint"), required: true })}
      {text("address", { autoComplete: "street-address", maxLength: 120, required: true })}
      <Field
        name="rebateBps"
        label={t("rebate")}
        inputMode="decimal"
        autoComplete="off"
        placeholder={percentInput(DEFAULT_RULES.rebateBps)}
        defaultValue={value("rebateBps")}
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
