"use client";

import { NextIntlClientProvider, useLocale, useMessages, useTimeZone, type AbstractIntlMessages } from "next-intl";
import { useMemo, type ReactNode } from "react";

/**
 * Adds one console's namespaces to the messages the root layout sent. A nested provider replaces
 * its parent's messages, so it is handed the union, but built here in the browser: only the
 * console's own namespaces cross the wire, not the shared ones a second time.
 */
export function WithAreaMessages({ messages, children }: { messages: AbstractIntlMessages; children: ReactNode }) {
  const shared = useMessages();
  const locale = useLocale();
  const timeZone = useTimeZone();
  // The area's namespaces are top-level keys the shared set does not have (i18n/client-messages.ts).
  const merged = useMemo(() => ({ ...shared, ...messages }), [shared, messages]);
  return (
    <NextIntlClientProvider locale={locale} timeZone={timeZone} messages={merged}>
      {children}
    </NextIntlClientProvider>
  );
}
