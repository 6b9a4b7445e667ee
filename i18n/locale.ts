import { cookies } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { defaultLocale, isLocale, LOCALE_COOKIE, type Locale } from "./config";

/**
 * The language of the current request: the switcher's cookie, else Simplified Chinese. Outside a
 * request (a script, a unit test calling an action directly) there are no cookies: Chinese then.
 */
export async function requestLocale(): Promise<Locale> {
  let value: string | undefined;
  try {
    value = (await cookies()).get(LOCALE_COOKIE)?.value;
  } catch (e) {
    // Next's own signals (this render is dynamic) must reach Next, or a page would be prerendered in Chinese.
    unstable_rethrow(e);
    return defaultLocale;
  }
  return isLocale(value) ? value : defaultLocale;
}
