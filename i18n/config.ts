/**
 * The languages the app speaks. There are no locale prefixes in URLs: the choice lives in a cookie
 * (set by the switcher in the top bar); a visitor without it gets the first of our languages in
 * their browser's Accept-Language, else Simplified Chinese.
 */
export const locales = ["zh-CN", "en"] as const;
export type Locale = (typeof locales)[number];

export const defaultLocale: Locale = "zh-CN";

/** next-intl's conventional cookie name, so its own tools would find it too. */
export const LOCALE_COOKIE = "NEXT_LOCALE";
/** Remembered for a year. */
export const LOCALE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

/**
 * The platform's one time zone, whatever the server's or the browser's: every date shown, and every
 * calendar day the rules count in (points release and expiry, the daily withdrawal limit, the
 * dashboards, the payout export, the scheduler's daily jobs).
 */
export const TIME_ZONE = "Asia/Shanghai";
/** TIME_ZONE's distance from UTC. China keeps UTC+8 all year (no daylight saving time). */
export const TIME_ZONE_OFFSET_MS = 8 * 3_600_000;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/** `value` when it is a supported locale, else the default (a cookie or header may say anything). */
export function localeOr(value: unknown): Locale {
  return isLocale(value) ? value : defaultLocale;
}

/** The first of our languages in an Accept-Language header ("en-US,en;q=0.9" → en), by order of appearance. */
export function preferredLocale(acceptLanguage: string | null | undefined): Locale | null {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]!.trim().toLowerCase();
    if (tag === "en" || tag.startsWith("en-")) return "en";
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-CN";
  }
  return null;
}

/** A request's language: the cookie's when it names one of ours, else the browser's, else Chinese. */
export function resolveLocale(cookieValue: string | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  return preferredLocale(acceptLanguage) ?? defaultLocale;
}
