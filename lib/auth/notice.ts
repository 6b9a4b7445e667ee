import { safeNextPath } from "./next-path";

/**
 * The privacy notice's version (app/privacy). Raise it whenever the notice's substance changes
 * (what is collected, why, for how long, who processes it): every signed-in person is then asked
 * to agree again before anything else (lib/auth/session.ts), and the consent rows keep which
 * version each person agreed to and when.
 */
export const PRIVACY_NOTICE_VERSION = 1;

/** The day the current version took effect, shown on the notice. */
export const PRIVACY_NOTICE_DATE = "2026-12-07";

/** Where a signed-in person whose consent is out of date is sent, with the page they asked for. */
export function consentPath(next: string | null | undefined): string {
  const safe = safeNextPath(next);
  return safe && safe !== "/" && !openBeforeConsent(safe) ? `/privacy?next=${encodeURIComponent(safe)}` : "/privacy";
}

/** Pages a person may open before agreeing to a new notice: the notice itself and leaving for good. */
export function openBeforeConsent(path: string | null | undefined): boolean {
  return !!path && /^\/(privacy|me\/delete)(\/|\?|$)/.test(path);
}
