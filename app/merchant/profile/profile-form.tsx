"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button, Field, FormError, FormSuccess, SelectField } from "@/app/_components";
import { ADDRESS_MAX, HOURS_MAX, STORE_CATEGORIES } from "@/lib/merchants/profile-schema";
import { updateProfileAction } from "./actions";

export type ProfileValues = { address: string; storePhone: string; hours: string; category: string; latitude: string; longitude: string };
const FIELDS = ["address", "storePhone", "hours", "category", "latitude", "longitude"] as const;

/** The store's public profile: what the store page shows under its name. */
export function ProfileForm({ current }: { current: ProfileValues }) {
  const t = useTranslations("merchant.profile.form");
  const tc = useTranslations("customer.categories");
  const [state, action, pending] = useActionState(updateProfileAction, null);
  const failed = state && !state.ok ? state : null;
  const errorFor = (name: string) => failed?.fieldErrors?.[name] ?? (failed?.field === name ? failed.error : null);
  const value = (name: (typeof FIELDS)[number]) => failed?.values?.[name] ?? current[name];
  const formError = failed && !FIELDS.some((f) => errorFor(f)) ? failed.error : null;
  const categoryError = errorFor("category");
  return (
    <form action={action} className="space-y-3" noValidate>
      <Field name="address" label={t("address")} autoComplete="street-address" maxLength={ADDRESS_MAX} defaultValue={value("address")} error={errorFor("address")} />
      <Field name="storePhone" label={t("phone")} type="tel" inputMode="tel" autoComplete="tel" maxLength={20} defaultValue={value("storePhone")} error={errorFor("storePhone")} />
      <Field name="hours" label={t("hours")} maxLength={HOURS_MAX} placeholder={t("hoursPlaceholder")} defaultValue={value("hours")} error={errorFor("hours")} />
      <SelectField name="category" label={t("category")} defaultValue={value("category")} error={categoryError}>
        <option value="">{t("noCategory")}</option>
        {STORE_CATEGORIES.map((c) => (
          <option key={c} value={c}>
            {tc(c)}
          </option>
        ))}
      </SelectField>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-ink">{t("location")}</legend>
        <p className="text-xs text-muted">{t("locationHint")}</p>
        <div className="grid grid-cols-2 gap-3">
          <Field name="latitude" label={t("latitude")} inputMode="decimal" autoComplete="off" defaultValue={value("latitude")} error={errorFor("latitude")} />
          <Field name="longitude" label={t("longitude")} inputMode="decimal" autoComplete="off" defaultValue={value("longitude")} error={errorFor("longitude")} />
        </div>
      </fieldset>
      {formError ? <FormError>{formError}</FormError> : null}
      {state?.ok ? <FormSuccess data-testid="profile-status">{state.changed > 0 ? t("saved") : t("unchanged")}</FormSuccess> : null}
      <Button type="submit" pending={pending} pendingText={t("pending")}>
        {t("save")}
      </Button>
    </form>
  );
}
