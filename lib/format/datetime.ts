import { defaultLocale, TIME_ZONE, type Locale } from "@/i18n/config";

/**
 * Timestamps as the app shows them: always China time (Asia/Shanghai), whatever the server's zone,
 * written the way the reader's language writes dates. Pages pass the request's locale
 * (`getLocale()` on the server, `useLocale()` in a client component); without one, Chinese.
 * Each style keeps one cached Intl.DateTimeFormat per locale.
 */

type Style = "minutes" | "seconds" | "monthDay" | "short" | "medium";

const numeric = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false } as const;

const OPTIONS: Record<Style, Intl.DateTimeFormatOptions> = {
  minutes: numeric,
  seconds: { ...numeric, second: "2-digit" },
  monthDay: { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false },
  short: { dateStyle: "short", timeStyle: "short", hourCycle: "h23" },
  medium: { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" },
};

// English numeric dates read differently across the English-speaking world (3/1/26 is March 1st in
// the US, 3 January elsewhere): English names the month instead. Fixed-width styles keep a
// two-digit day, so console columns stay aligned.
const ENGLISH: Record<Style, Intl.DateTimeFormatOptions> = {
  minutes: { ...numeric, month: "short" },
  seconds: { ...numeric, month: "short", second: "2-digit" },
  monthDay: { ...OPTIONS.monthDay, month: "short" },
  short: OPTIONS.medium,
  medium: OPTIONS.medium,
};

const cache = new Map<string, Intl.DateTimeFormat>();

function format(style: Style, locale: Locale, at: Date): string {
  const key = `${locale} ${style}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...(locale === "en" ? ENGLISH : OPTIONS)[style], timeZone: TIME_ZONE });
    cache.set(key, f);
  }
  return f.format(at);
}

export type DateOptions = { locale?: Locale };

/** Fixed-width console timestamp: "2026/03/01 08:05" (en "Mar 01, 2026, 08:05"), optionally with seconds. */
export function formatDateTime(at: Date, { seconds = false, locale = defaultLocale }: DateOptions & { seconds?: boolean } = {}): string {
  return format(seconds ? "seconds" : "minutes", locale, at);
}

/** A recent moment without the year: "03/01 08:05" (en "Mar 01, 08:05"). */
export function formatMonthDayTime(at: Date, { locale = defaultLocale }: DateOptions = {}): string {
  return format("monthDay", locale, at);
}

/** Compact list timestamp: "2026/3/1 08:05" (en "Mar 1, 2026, 08:05", never the ambiguous 3/1/26). */
export function formatShortDateTime(at: Date, { locale = defaultLocale }: DateOptions = {}): string {
  return format("short", locale, at);
}

/** Written-out date with time, for prose: "2026年3月1日 08:05" (en "Mar 1, 2026, 08:05"). */
export function formatLongDateTime(at: Date, { locale = defaultLocale }: DateOptions = {}): string {
  return format("medium", locale, at);
}
