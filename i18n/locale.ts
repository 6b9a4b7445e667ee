import { cookies } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { defaultLocale, isLocale, LOCALE_COOKIE, type Locale } from "./config";

/**
 * The language of the current request: the switcher's cookie, else Simplified Chinese. Outside a
 * request (a script, a unit test calling an action directly) there are no cookies: Chinese then.
 * Route handlers pass their Accept-Language header, so an API client without the cookie can ask
 * for English; pages do not, so a visitor's default stays Chinese.
 */
export async function requestLocale(acceptLanguage?: string | null): Promise<Locale> {
  let value: string | undefined;
  try {
    value = (await cookies()).get(LOCALE_COOKIE)?.value;
  } catch (e) {
    // Next's own signals (this render is dynamic) must reach Next, or a page would be prerendered in Chinese.
    unstable_rethrow(e);
  }
  if (isLocale(value)) return value;
  return acceptLanguage && preferred(acceptLanguage) === "en" ? "en" : defaultLocale;
}

/** The first of our languages in an Accept-Language header ("en-US,en;q=0.9" → en), by order of appearance. */
export function preferred(acceptLanguage: string): Locale | null {
  for (const part of acceptLanguage.split(",")) {
    const tag = part.split(";")[0]!.trim().toLowerCase();
    if (tag === "en" || tag.startsWith("en-")) return "en";
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-CN";
  }
  return null;
}
