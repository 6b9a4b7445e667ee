import { cookies } from "next/headers";

/** The theme toggle's cookie: "light" or "dark"; absent means follow the system. */
export const THEME_COOKIE = "theme";
export const THEME_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;
export type Theme = "light" | "dark";

export function isTheme(value: unknown): value is Theme {
  return value === "light" || value === "dark";
}

/** The reader's stored choice, or null to follow prefers-color-scheme. */
export async function requestTheme(): Promise<Theme | null> {
  const value = (await cookies()).get(THEME_COOKIE)?.value;
  return isTheme(value) ? value : null;
}
