import { formatFen } from "@/lib/money/format";
import { PLATFORM_RULES, ruleSettingsSchema, type RuleSettings } from "./settings";

/**
 * How rule settings are typed, shown and explained: percentages with up to two decimals for bps,
 * yuan with up to two decimals for fen. Integer arithmetic only; pure, so forms can use it too.
 */

export type Parsed = { ok: true; value: number } | { ok: false; message: string };

const PERCENT = /^(\d{1,5})(?:\.(\d{1,2}))?$/;
const YUAN = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** "20" → 2000 bps, "2.5" → 250, "12.34" → 1234. A trailing "%" is allowed. */
export function parsePercent(input: string): Parsed {
  const text = input.trim().replace(/%$/, "").trim();
  if (text === "") return { ok: false, message: "请填写此项" };
  const m = PERCENT.exec(text);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, message: "百分比最多两位小数" };
    return { ok: false, message: "请输入百分比，例如 20 或 12.5" };
  }
  return { ok: true, value: Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) };
}

/** "100" → 10000 fen, "0" → 0, "12.5" → 1250. Zero is allowed (it means "none" for these settings). */
export function parseYuanOrZero(input: string): Parsed {
  const text = input.trim().replace(/^¥/, "");
  if (text === "") return { ok: false, message: "请填写此项" };
  const m = YUAN.exec(text);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, message: "金额最多两位小数" };
    return { ok: false, message: "请输入金额（元），例如 100 或 12.50" };
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

export const RULE_LABEL: Record<keyof RuleSettings, string> = {
  rebateBps: "让利比例",
  platformFeeBps: "平台服务费",
  pointsBps: "积分比例",
  freeBps: "免单目标",
  unitCapFen: "拆单上限",
  minOrderFen: "排队门槛",
  payoutMode: "派发方式",
  exitCompBps: "退出补偿",
  releaseBpsPerDay: "积分每日释放",
  pointsExpiryDays: "积分有效期",
};

export const PAYOUT_MODE_LABEL: Record<RuleSettings["payoutMode"], string> = {
  auto: "自动派发",
  manual: "人工派发",
};

const UNIT: Partial<Record<keyof RuleSettings, "bps" | "fen" | "days">> = {
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

/** A setting's value in words: "20%", "¥100.00", "365 天", "自动派发"; 0 where it means "none". */
export function ruleValueText(key: keyof RuleSettings, value: RuleSettings[keyof RuleSettings]): string {
  if (key === "payoutMode") return PAYOUT_MODE_LABEL[value as RuleSettings["payoutMode"]];
  const n = value as number;
  if (key === "unitCapFen" && n === 0) return "不拆分";
  if (key === "pointsExpiryDays" && n === 0) return "永不过期";
  switch (UNIT[key]) {
    case "bps":
      return percentText(n);
    case "fen":
      return formatFen(n);
    default:
      return `${n} 天`;
  }
}

/** What a merchant may type for a setting, in the form's units: "3%–50%". */
export function ruleRangeText(key: Exclude<keyof RuleSettings, "payoutMode">): string {
  const r = PLATFORM_RULES[key];
  if (key === "unitCapFen") return `0（不拆分）或 ${formatFen(PLATFORM_RULES.unitCapFen.minSplit)}–${formatFen(r.max)}`;
  return `${ruleValueText(key, r.min)}–${ruleValueText(key, r.max)}`;
}

export type RuleCheck = { ok: true; rules: RuleSettings } | { ok: false; fieldErrors: Partial<Record<keyof RuleSettings, string>> };

/**
 * Validates a complete rule set with ruleSettingsSchema (platform ranges, fee + points ≤ rebate),
 * with one message per field that names the allowed range in the form's units.
 */
export function checkRules(input: unknown): RuleCheck {
  const parsed = ruleSettingsSchema.safeParse(input);
  if (parsed.success) return { ok: true, rules: parsed.data };
  const fieldErrors: Partial<Record<keyof RuleSettings, string>> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0] as keyof RuleSettings | undefined;
    if (!key || !(key in RULE_LABEL) || fieldErrors[key]) continue;
    fieldErrors[key] = messageFor(key, issue.code);
  }
  if (Object.keys(fieldErrors).length === 0) fieldErrors.rebateBps = "规则无效";
  return { ok: false, fieldErrors };
}

function messageFor(key: keyof RuleSettings, code: string): string {
  const label = RULE_LABEL[key];
  if (key === "payoutMode") return `${label}只能是自动派发或人工派发`;
  if (code === "custom") {
    if (key === "unitCapFen") return `${label}须为 0（不拆分）或至少 ${formatFen(PLATFORM_RULES.unitCapFen.minSplit)}`;
    return "平台服务费与积分合计不能超过让利的 100%";
  }
  if (code === "invalid_type") return `${label}须为整数`;
  return `${label}须在 ${ruleRangeText(key)} 之间`;
}
