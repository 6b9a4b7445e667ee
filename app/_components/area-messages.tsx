import { getLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { localeOr } from "@/i18n/config";
import { clientMessages, type MessageArea } from "@/i18n/client-messages";
import { WithAreaMessages } from "./with-area-messages";

/**
 * The client messages of one console, for its layout to wrap its pages in. The root layout sends
 * only the messages any page may need, so a customer's page does not carry the consoles'.
 */
export async function AreaMessages({ area, children }: { area: MessageArea; children: ReactNode }) {
  const locale = await getLocale();
  return <WithAreaMessages messages={clientMessages(localeOr(locale), area)}>{children}</WithAreaMessages>;
}
