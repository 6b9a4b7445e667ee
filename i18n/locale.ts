import { cookies, headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { LOCALE_COOKIE, resolveLocale, type Locale } from "./config";

/**
 * The language of the current request: the switcher's cookie, else the first of our languages in
 * the request's Accept-Language (a page's own header; a route handler may pass its request's),
 * else Simplified Chinese. Outside a request (a script, a unit test calling an action directly)
 * there are no cookies or headers: Chinese then.
 */
export async function requestLocale(acceptLanguage?: string | null): Promise<Locale> {
  try {
    const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
    return resolveLocale(cookie, acceptLanguage ?? (await headers()).get("accept-language"));
  } catch (e) {
    // Next's own signals (this render is dynamic) must reach Next, or a page would be prerendered in Chinese.
    unstable_rethrow(e);
    return resolveLocale(undefined, acceptLanguage);
  }
}
