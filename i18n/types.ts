import type { Locale } from "./config";
import type { Messages } from "./messages";

// Typed keys: t("customer.nope") is a type error, and useLocale() returns "zh-CN" | "en".
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
