import "server-only";
import { localeOr, type Locale } from "@/i18n/config";
import en from "@/messages/en/common.json";
import zh from "@/messages/zh-CN/common.json";
import { RETRY_AFTER_SECONDS } from "@/db/errors";

const TEXT: Record<Locale, typeof en.outage> = { en: en.outage, "zh-CN": zh.outage };

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page proxy.ts answers with (status 503, Retry-After) while the database is down: plain HTML
 * with no script and nothing to load, in the visitor's language (the switcher's cookie), that
 * reloads itself after Retry-After seconds, so a phone left on it comes back by itself.
 */
/**
 * `back`, when given, is the same-site path the page reloads to instead of itself (the outage
 * address a page render was sent to names the page it came from: db/render-outage.ts).
 */
export function unavailablePage(localeCookie: string | undefined, nonce: string, back?: string): { html: string; locale: Locale } {
  const locale = localeOr(localeCookie);
  const t = TEXT[locale];
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}${back ? `; url=${escape(back)}` : ""}">
<title>${escape(t.title)}</title>
<style nonce="${escape(nonce)}">
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: light-dark(#f8fafc, #0f172a); color: light-dark(#0f172a, #f1f5f9); }
main { max-width: 28rem; padding: 2rem 1.25rem; text-align: center; }
h1 { font-size: 1.25rem; margin: 0 0 0.5rem; }
p { margin: 0 0 1.5rem; line-height: 1.5; color: light-dark(#475569, #cbd5e1); }
a { display: inline-block; padding: 0.75rem 1.25rem; border-radius: 0.75rem; background: #047857; color: #fff; text-decoration: none; font-weight: 600; }
</style>
</head>
<body>
<main role="alert">
<h1>${escape(t.title)}</h1>
<p>${escape(t.body)}</p>
<a href="${back ? escape(back) : ""}">${escape(t.retry)}</a>
</main>
</body>
</html>
`;
  return { html, locale };
}
