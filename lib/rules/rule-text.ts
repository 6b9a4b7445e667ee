import { createTranslator } from "next-intl";
import type { Locale } from "@/i18n/config";
import { messages } from "@/i18n/messages";
import { formatFen } from "@/lib/money/format";
import { ruleNumberText, ruleUnit } from "./form";
import { PLATFORM_RULES, type PayoutMode, type RuleSettings } from "./settings";

type NumericKey = Exclude<keyof RuleSettings, "payoutMode">;

/**
 * Rule settings in words, in one language: their names, values ("20%", "¥100.00", "365 天",
 * "不拆分") and the ranges a merchant may type. The words are in messages/<locale>/merchant.json
 * (`rules`); pages and forms of every area use them, on the server and in the browser alike.
 */
export function ruleText(locale: Locale) {
  const t = createTranslator({ locale, messages: messages[locale], namespace: "merchant.rules" });

  const label = (key: keyof RuleSettings): string => t(`label.${key}`);
  const mode = (m: PayoutMode): string => t(`mode.${m}`);

  /** A setting's value: 0 where it means "none" has its own word. */
  function value(key: keyof RuleSettings, v: RuleSettings[keyof RuleSettings]): string {
    if (key === "payoutMode") return mode(v as PayoutMode);
    const n = v as number;
    if (key === "unitCapFen" && n === 0) return t("noSplit");
    if (key === "pointsExpiryDays" && n === 0) return t("neverExpires");
    return ruleUnit(key) === "days" ? t("days", { count: n }) : ruleNumberText(key, n);
  }

  /** What a merchant may type for a setting, in the form's units: "3%–50%". */
  function range(key: NumericKey): string {
    const r = PLATFORM_RULES[key];
    if (key === "unitCapFen") return t("unitCapRange", { min: formatFen(PLATFORM_RULES.unitCapFen.minSplit), max: formatFen(r.max) });
    return `${value(key, r.min)}–${value(key, r.max)}`;
  }

  return { label, mode, value, range };
}
