"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { THEME_COOKIE, THEME_COOKIE_MAX_AGE, isTheme } from "@/app/_components/theme";
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, isLocale } from "@/i18n/config";
import { safeNextPath } from "@/lib/auth/next-path";

/**
 * The language switcher's action (a plain form post, so it works without JavaScript). Anyone may
 * call it: it only sets the caller's own language cookie. An unknown value changes nothing. Then it
 * returns to the page the form was on (the Referer's path, checked like a login `next`), or home.
 */
export async function setLocale(formData: FormData): Promise<void> {
  const locale = formData.get("locale");
  if (isLocale(locale)) {
    (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: LOCALE_COOKIE_MAX_AGE, sameSite: "lax" });
  }
  redirect(returnPath(((await headers()).get("referer"))));
}

/** The theme toggle's action: like setLocale, it only sets the caller's own `theme` cookie. */
export async function setTheme(formData: FormData): Promise<void> {
  const theme = formData.get("theme");
  if (isTheme(theme)) {
    (await cookies()).set(THEME_COOKIE, theme, { path: "/", maxAge: THEME_COOKIE_MAX_AGE, sameSite: "lax" });
  }
  redirect(returnPath(((await headers()).get("referer"))));
}

function returnPath(referer: string | null): string {
  if (!referer) return "/";
  try {
    const url = new URL(referer);
    return safeNextPath(`${url.pathname}${url.search}`) ?? "/";
  } catch {
    return "/";
  }
}
