/**
 * The languages the app speaks. There are no locale prefixes in URLs: the choice lives in a cookie
 * (set by the switcher in the top bar), and a visitor without it gets Simplified Chinese.
 */
export const locales = ["zh-CN", "en"] as const;
export type Locale = (typeof locales)[number];

export const defaultLocale: Locale = "zh-CN";

/** next-intl's conventional cookie name, so its own tools would find it too. */
export const LOCALE_COOKIE = "NEXT_LOCALE";
/** Remembered for a year. */
export const LOCALE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

/** Every date is shown in China time, whatever the server's or the browser's zone. */
export const TIME_ZONE = "Asia/Shanghai";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}
