import { describe, expect, it } from "vitest";
import { formatDateTime, formatLongDateTime, formatMonthDayTime, formatShortDateTime } from "./datetime";

// 00:05:09 UTC is 08:05:09 in China.
const at = new Date("2026-03-01T00:05:09Z");

describe("China-time formatting", () => {
  it("shows the console timestamp with and without seconds", () => {
    expect(formatDateTime(at)).toBe("2026/03/01 08:05");
    expect(formatDateTime(at, { seconds: true })).toBe("2026/03/01 08:05:09");
  });

  it("shows the shorter and written-out styles", () => {
    expect(formatMonthDayTime(at)).toBe("03/01 08:05");
    expect(formatShortDateTime(at)).toBe("2026/3/1 08:05");
    expect(formatLongDateTime(at)).toBe("2026年3月1日 08:05");
  });

  it("rolls over to the next China day before UTC does", () => {
    expect(formatDateTime(new Date("2026-02-28T16:30:00Z"))).toBe("2026/03/01 00:30");
  });
});

describe("English dates", () => {
  const locale = "en" as const;

  it("writes the same China-time moment the English way, with the month named, never M/D/YY", () => {
    expect(formatDateTime(at, { locale })).toBe("Mar 01, 2026, 08:05");
    expect(formatDateTime(at, { locale, seconds: true })).toBe("Mar 01, 2026, 08:05:09");
    expect(formatMonthDayTime(at, { locale })).toBe("Mar 01, 08:05");
    expect(formatShortDateTime(at, { locale })).toBe("Mar 1, 2026, 08:05");
    expect(formatLongDateTime(at, { locale })).toBe("Mar 1, 2026, 08:05");
  });

  it("keeps a 24-hour clock at midnight", () => {
    expect(formatShortDateTime(new Date("2026-02-28T16:30:00Z"), { locale })).toBe("Mar 1, 2026, 00:30");
  });
});
