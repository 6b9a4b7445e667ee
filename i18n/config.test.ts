import { describe, expect, it } from "vitest";
import { localeOr, preferredLocale, resolveLocale } from "./config";

describe("a request's language", () => {
  it("follows the cookie, else the browser's Accept-Language, else Chinese", () => {
    expect(resolveLocale("en", "zh-CN,zh;q=0.9")).toBe("en");
    expect(resolveLocale("zh-CN", "en-US,en;q=0.9")).toBe("zh-CN");
    expect(resolveLocale(undefined, "en-GB,en;q=0.9")).toBe("en");
    expect(resolveLocale(undefined, "zh-TW,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(resolveLocale(undefined, "fr-FR,fr;q=0.9,en;q=0.5")).toBe("en");
    expect(resolveLocale(undefined, "fr-FR")).toBe("zh-CN");
    expect(resolveLocale("xx", null)).toBe("zh-CN");
    expect(resolveLocale(undefined, undefined)).toBe("zh-CN");
  });

  it("reads the tags in the order written", () => {
    expect(preferredLocale("EN;q=0.1, zh")).toBe("en");
    expect(preferredLocale("")).toBeNull();
  });

  it("keeps a supported locale and gives the default for anything else", () => {
    expect(localeOr("en")).toBe("en");
    expect(localeOr("zh-CN")).toBe("zh-CN");
    for (const other of ["EN", "fr", "", undefined, null, 42]) expect(localeOr(other)).toBe("zh-CN");
  });
});
