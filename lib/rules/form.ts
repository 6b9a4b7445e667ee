import type { MessageParams } from "@/lib/errors";
import { formatFen } from "@/lib/money/format";
import { PLATFORM_RULES, ruleSettingsSchema, type RuleSettings } from "./settings";

/**
 * How rule settings are typed, shown and explained: percentages with up to two decimals for bps,
 * yuan with up to two decimals for fen. Integer arithmetic only; pure, so forms can use it too.
 * Messages are message codes (messages/<locale>/errors.json); the words for settings, values and
 * ranges are in lib/rules/rule-text.ts.
 */

export type Parsed = { ok: true; value: number } | { ok: false; message: string };

const PERCENT = /^(\d{1,5})(?:\.(\d{1,2}))?$/;
const YUAN = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** "20" → 2000 bps, "2.5" → 250, "12.34" → 1234. A trailing "%" is allowed. */
export function parsePercent(input: string): Parsed {
  const text = input.trim().replace(/%$/, "").trim();
  if (text === "") return { ok: false, message: "form.required" };
  const m = PERCENT.exec(text);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, message: "rules.percentDecimals" };
    return { ok: false, message: "rules.percentFormat" };
  }
  return { ok: true, value: Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) };
}

/** "100" → 10000 fen, "0" → 0, "12.5" → 1250. Zero is allowed (it means "none" for these settings). */
export function parseYuanOrZero(input: string): Parsed {
  const text = input.trim().replace(/^¥/, "");
  if (text === "") return { ok: false, message: "form.required" };
  const m = YUAN.exec(text);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, message: "rules.yuanDecimals" };
    return { ok: false, message: "rules.yuanFormat" };
  }
  return { ok: true, value: Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) };
}

/** A rate in bps as a percentage: 2000 → "20%", 250 → "2.5%", 1234 → "12.34%". */
export function percentText(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const frac = bps % 100;
  if (frac === 0) return `${whole}%`;
  return `${whole}.${String(frac).padStart(2, "0").replace(/0$/, "")}%`;
}

/** The bare number a percentage field is pre-filled with: 2000 → "20", 1234 → "12.34". */
export function percentInput(bps: number): string {
  return percentText(bps).replace(/%$/, "");
}

/** The bare number a yuan field is pre-filled with: 10000 → "100", 1250 → "12.5". */
export function yuanInput(fen: number): string {
  const cents = fen % 100;
  const yuan = (fen - cents) / 100;
  if (cents === 0) return String(yuan);
  return `${yuan}.${String(cents).padStart(2, "0").replace(/0$/, "")}`;
}

/** The settings a merchant chooses. The rest are set by the platform (docs/merchants-and-rules.md). */
export const MERCHANT_RULE_KEYS = [
  "rebateBps",
  "pointsBps",
  "freeBps",
  "unitCapFen",
  "minOrderFen",
  "payoutMode",
  "exitCompBps",
] as const;
export type MerchantRuleKey = (typeof MERCHANT_RULE_KEYS)[number];
export type MerchantRules = Pick<RuleSettings, MerchantRuleKey>;

/** Platform-set: the platform's own fee, and the points release and expiry (lib/points/policy.ts). */
export const PLATFORM_SET_KEYS = ["platformFeeBps", "releaseBpsPerDay", "pointsExpiryDays"] as const;

export const RULE_KEYS = [...MERCHANT_RULE_KEYS, ...PLATFORM_SET_KEYS] as const satisfies readonly (keyof RuleSettings)[];

const UNIT: Record<Exclude<keyof RuleSettings, "payoutMode">, "bps" | "fen" | "days"> = {
  rebateBps: "bps",
  platformFeeBps: "bps",
  pointsBps: "bps",
  freeBps: "bps",
  unitCapFen: "fen",
  minOrderFen: "fen",
  exitCompBps: "bps",
  releaseBpsPerDay: "bps",
  pointsExpiryDays: "days",
};

/** What a numeric setting counts: a rate in bps, an amount in fen, or days. */
export function ruleUnit(key: Exclude<keyof RuleSettings, "payoutMode">): "bps" | "fen" | "days" {
  return UNIT[key];
}

/** A number in a setting's unit without words: "20%", "¥100.00", "365". */
export function ruleNumberText(key: Exclude<keyof RuleSettings, "payoutMode">, n: number): string {
  const unit = UNIT[key];
  return unit === "bps" ? percentText(n) : unit === "fen" ? formatFen(n) : String(n);
}

/** A message code with its arguments (messages/<locale>/errors.json). */
export type RuleMessage = { message: string; params?: MessageParams };

export type RuleCheck = { ok: true; rules: RuleSettings } | { ok: false; fieldErrors: Partial<Record<keyof RuleSettings, RuleMessage>> };

/**
 * Validates a complete rule set with ruleSettingsSchema (platform ranges, fee + points ≤ rebate),
 * with one message per field that names the allowed range in the form's units.
 */
export function checkRules(input: unknown): RuleCheck {
  const parsed = ruleSettingsSchema.safeParse(input);
  if (parsed.success) return { ok: true, rules: parsed.data };
  const fieldErrors: Partial<Record<keyof RuleSettings, RuleMessage>> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0] as keyof RuleSettings | undefined;
    if (!key || !(key in PLATFORM_RULES || key === "payoutMode") || fieldErrors[key]) continue;
    fieldErrors[key] = messageFor(key, issue.code);
  }
  if (Object.keys(fieldErrors).length === 0) fieldErrors.rebateBps = { message: "rules.invalid" };
  return { ok: false, fieldErrors };
}

function messageFor(key: keyof RuleSettings, code: string): RuleMessage {
  if (key === "payoutMode") return { message: "rules.payoutMode" };
  const minSplit = formatFen(PLATFORM_RULES.unitCapFen.minSplit);
  if (code === "custom") {
    if (key === "unitCapFen") return { message: "rules.unitCapMin", params: { min: minSplit } };
    return { message: "rules.sharesOver" };
  }
  if (code === "invalid_type") return { message: "rules.notInteger" };
  const r = PLATFORM_RULES[key];
  if (key === "unitCapFen") return { message: "rules.outOfRange.unitCapFen", params: { min: minSplit, max: formatFen(r.max) } };
  return { message: `rules.outOfRange.${key}`, params: { range: `${ruleNumberText(key, r.min)}–${ruleNumberText(key, r.max)}` } };
}
