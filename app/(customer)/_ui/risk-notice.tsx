import { useTranslations } from "next-intl";

/** SPEC compliance rule 3: never promise a free order or a date. Shown on the rules and every order result. */
export function RiskNotice({ className }: { className?: string }) {
  const t = useTranslations("customer.shared");
  return (
    <p role="note" className={`rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ${className ?? ""}`}>
      {t("riskNotice")}
    </p>
  );
}
