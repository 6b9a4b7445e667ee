import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import { cache, type ReactNode } from "react";
import { LocaleSwitcher } from "@/app/_components/locale-switcher";
import { NotificationBell } from "@/app/_components/notification-bell";
import { TabBar } from "@/app/_components/tab-bar";
import { requestTheme } from "@/app/_components/theme";
import { ThemeToggle } from "@/app/_components/theme-toggle";
import { localeOr } from "@/i18n/config";
import { clientMessages } from "@/i18n/client-messages";
import { getViewer, storeAccessOf, type Role } from "@/lib/auth/session";
import { PATH_HEADER } from "@/lib/auth/next-path";
import { consentPath, openBeforeConsent } from "@/lib/auth/notice";
import { unreadCount } from "@/lib/notifications/list";
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

/** The signed-in viewer's unread notifications (the header's bell and the tab bar's 我的 show it). */
const viewerUnread = cache(async (): Promise<number> => {
  const viewer = await getViewer();
  return viewer ? unreadCount(viewer.userId) : 0;
});

/**
 * The console link for the signed-in viewer: by role, and for a cashier (a customer account working
 * at a store) the store's console too. Only a customer costs a read, alongside the bar's others.
 */
async function viewerRoleLink() {
  const viewer = await getViewer();
  if (!viewer) return null;
  return ROLE_LINKS[viewer.role] ?? ((await storeAccessOf(viewer)) ? ROLE_LINKS.merchant : null);
}

async function TopBar() {
  const [viewer, t, tn, unread, roleLink] = await Promise.all([
    getViewer(),
    getTranslations("common.topBar"),
    getTranslations("notifications.bell"),
    viewerUnread(),
    viewerRoleLink(),
  ]);
  // Every link and button is at least 44 × 44 px (a thumb's reach). On a 360 px phone the row holds
  // the brand, the console link, the language and the theme: 我的 and signing out live in the tab
  // bar and on /me there, and 注册 on the sign-in page.
  const link =
    "inline-flex h-11 min-w-11 shrink-0 items-center justify-center whitespace-nowrap rounded-lg px-2 text-sm font-medium text-brand-800 hover:bg-brand-50 sm:px-2.5";
  return (
    <header className="sticky top-0 z-10 border-b border-line bg-surface/95 backdrop-blur">
      <nav aria-label={t("nav")} className="mx-auto flex h-14 max-w-5xl items-center gap-1 px-3 sm:gap-2 sm:px-4">
        <Link href="/" className="mr-auto flex h-11 shrink-0 items-center gap-2 font-semibold text-brand-700" data-testid="brand">
          <span aria-hidden="true" className="inline-block size-6 shrink-0 rounded-lg bg-brand-600" />
          {/* The brand keeps its whole name; the tagline waits for wider screens. */}
          <span className="whitespace-nowrap">
            {t("brand")}
            <span className="hidden md:inline"> {t("tagline")}</span>
          </span>
        </Link>
        {viewer ? (
          <>
            <span className="hidden max-w-[10rem] truncate text-sm text-muted md:inline" title={viewer.displayName}>
              {viewer.displayName}
            </span>
            {roleLink ? (
              <Link href={roleLink.href} className={link}>
                {t(roleLink.label)}
              </Link>
            ) : null}
            <NotificationBell count={unread} label={unread > 0 ? tn("labelUnread", { count: unread }) : tn("label")} className={link} />
            <Link href="/me" className={`${link} max-sm:hidden`}>
              {t("me")}
            </Link>
          </>
        ) : (
          <>
            <Link href="/login" className={link}>
              {t("login")}
            </Link>
            <Link
              href="/register"
              className="inline-flex h-11 items-center rounded-lg bg-accent px-3 text-sm font-medium text-white hover:bg-accent-strong max-sm:hidden"
            >
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

/**
 * A signed-in person who has not agreed to the current privacy notice is asked before anything
 * else, on public pages too (pages behind sign-in check it in requireViewer, actions in
 * validatedAction). A full page load always renders this layout.
 */
async function askForConsentFirst(): Promise<void> {
  const viewer = await getViewer();
  if (!viewer?.consentDue) return;
  const path = (await headers()).get(PATH_HEADER);
  if (path !== null && !openBeforeConsent(path)) redirect(consentPath(path));
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [locale, theme, unread] = await Promise.all([getLocale(), requestTheme(), viewerUnread(), askForConsentFirst()]);
  return (
    <html lang={locale} data-theme={theme ?? undefined}>
      <body>
        {/* Only what client components translate goes to the browser (i18n/client-messages.ts). */}
        <NextIntlClientProvider messages={clientMessages(localeOr(locale))}>
          <TopBar />
          {/* On phones the tab bar covers the bottom 56 px: the page ends above it (not on paper, where an
              A5 poster is narrower than `sm` and the extra space would push it onto a second page). */}
          <main className="mx-auto w-full max-w-5xl px-4 pt-4 pb-[calc(5.5rem+env(safe-area-inset-bottom))] sm:pt-6 sm:pb-8 print:pb-[calc(2rem+env(safe-area-inset-bottom))]">{children}</main>
          <TabBar unread={unread} />
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
