import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { LocaleSwitcher } from "@/app/_components/locale-switcher";
import { requestTheme } from "@/app/_components/theme";
import { ThemeToggle } from "@/app/_components/theme-toggle";
import { logout } from "@/app/(auth)/actions";
import { isLocale, defaultLocale } from "@/i18n/config";
import { clientMessages } from "@/i18n/client-messages";
import { getViewer, type Role } from "@/lib/auth/session";
import "./globals.css";

// Merchants and operators have customer accounts too, so they also get 我的 (My account).
const ROLE_LINKS = {
  customer: null,
  merchant: { href: "/merchant/queue", label: "merchant" },
  operator: { href: "/operator/payouts", label: "operator" },
} as const satisfies Record<Role, { href: string; label: "merchant" | "operator" } | null>;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common.meta");
  return { title: { default: t("title"), template: "%s" }, description: t("description") };
}

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  viewportFit: "cover",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#1c7f67" },
    { media: "(prefers-color-scheme: dark)", color: "#0e1513" },
  ],
};

async function TopBar() {
  const [viewer, t] = await Promise.all([getViewer(), getTranslations("common.topBar")]);
  const roleLink = viewer ? ROLE_LINKS[viewer.role] : null;
  const link = "shrink-0 whitespace-nowrap rounded-lg px-2 py-1.5 text-sm font-medium text-brand-800 hover:bg-brand-50 sm:px-2.5";
  return (
    <header className="sticky top-0 z-10 border-b border-line bg-surface/95 backdrop-blur">
      <nav aria-label={t("nav")} className="mx-auto flex h-14 max-w-5xl items-center gap-2 px-4">
        <Link href="/" className="mr-auto flex min-w-0 items-center gap-2 font-semibold text-brand-700">
          <span aria-hidden="true" className="inline-block size-6 shrink-0 rounded-lg bg-brand-600" />
          {/* On a phone the signed-in links need the room: the brand keeps its name, the tagline waits for wider screens. */}
          <span className="truncate">
            {t("brand")}
            <span className="hidden sm:inline"> {t("tagline")}</span>
          </span>
        </Link>
        {viewer ? (
          <>
            <span className="hidden max-w-[10rem] truncate text-sm text-muted sm:inline" title={viewer.displayName}>
              {viewer.displayName}
            </span>
            {roleLink ? (
              <Link href={roleLink.href} className={link}>
                {t(roleLink.label)}
              </Link>
            ) : null}
            <Link href="/me" className={link}>
              {t("me")}
            </Link>
            <form action={logout}>
              <button type="submit" className="shrink-0 whitespace-nowrap rounded-lg px-2 py-1.5 text-sm text-muted hover:bg-gray-100 sm:px-2.5">
                {t("logout")}
              </button>
            </form>
          </>
        ) : (
          <>
            <Link href="/login" className={link}>
              {t("login")}
            </Link>
            <Link href="/register" className="rounded-lg bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-strong">
              {t("register")}
            </Link>
          </>
        )}
        <LocaleSwitcher />
        <ThemeToggle />
      </nav>
    </header>
  );
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [locale, theme] = await Promise.all([getLocale(), requestTheme()]);
  return (
    <html lang={locale} data-theme={theme ?? undefined}>
      <body>
        {/* Only what client components translate goes to the browser (i18n/client-messages.ts). */}
        <NextIntlClientProvider messages={clientMessages(isLocale(locale) ? locale : defaultLocale)}>
          <TopBar />
          <main className="mx-auto w-full max-w-5xl px-4 pt-4 pb-[calc(2rem+env(safe-area-inset-bottom))] sm:pt-6">{children}</main>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
