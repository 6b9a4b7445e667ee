/**
 * Timestamps as the app shows them: always China time (Asia/Shanghai), whatever the server's zone.
 * Each style keeps one cached Intl.DateTimeFormat.
 */

const TIME_ZONE = "Asia/Shanghai";

const numeric = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false } as const;

const formats = {
  minutes: new Intl.DateTimeFormat("zh-CN", { ...numeric, timeZone: TIME_ZONE }),
  seconds: new Intl.DateTimeFormat("zh-CN", { ...numeric, second: "2-digit", timeZone: TIME_ZONE }),
  monthDay: new Intl.DateTimeFormat("zh-CN", { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: TIME_ZONE }),
  short: new Intl.DateTimeFormat("zh-CN", { dateStyle: "short", timeStyle: "short", timeZone: TIME_ZONE }),
  medium: new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE }),
};

/** Fixed-width console timestamp: "2026/03/01 08:05", or "2026/03/01 08:05:09" with seconds. */
export function formatDateTime(at: Date, { seconds = false }: { seconds?: boolean } = {}): string {
  return (seconds ? formats.seconds : formats.minutes).format(at);
}

/** A recent moment without the year: "03/01 08:05". */
export function formatMonthDayTime(at: Date): string {
  return formats.monthDay.format(at);
}

/** Compact list timestamp: "2026/3/1 08:05". */
export function formatShortDateTime(at: Date): string {
  return formats.short.format(at);
}

/** Written-out date with time, for prose: "2026年3月1日 08:05". */
export function formatLongDateTime(at: Date): string {
  return formats.medium.format(at);
}
