import { getRequestConfig } from "next-intl/server";
import { isLocale, TIME_ZONE } from "./config";
import { requestLocale } from "./locale";
import { messages } from "./messages";

/** next-intl's per-request configuration: the locale from the cookie, else Simplified Chinese. */
export default getRequestConfig(async ({ locale: explicit }) => {
  const locale = isLocale(explicit) ? explicit : await requestLocale();
  return { locale, messages: messages[locale], timeZone: TIME_ZONE };
});
