import { randomBytes } from "node:crypto";

/**
 * The Content Security Policy and the other security headers. proxy.ts sets them on every page
 * with a fresh nonce; next.config.ts sets the nonce-free ones on everything else (API, assets).
 */

/** The request header proxy.ts passes the nonce on in, for elements a page writes itself. */
export const NONCE_HEADER = "x-nonce";

/** A fresh, unguessable nonce per request (128 random bits, base64). */
export function newNonce(): string {
  // node:crypto, not Web Crypto's getRandomValues: the same bytes, without the Web Crypto layer's
  // per-call cost, which showed in the store page's profile (the proxy runs in Node).
  return randomBytes(16).toString("base64");
}

/**
 * A strict CSP: scripts only with this response's nonce, and whatever those load ('strict-dynamic';
 * 'self' is then ignored by CSP3 browsers and kept for older ones). Next puts the nonce on its own
 * scripts and inline styles by reading it from this header. No style attributes either (no
 * 'unsafe-inline' anywhere): widths and colours come from classes (the progress bar is a <progress>).
 * `dev` adds 'unsafe-eval', which React's development build needs for its error overlays.
 */
export function contentSecurityPolicy(nonce: string, { dev = false }: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    // The Web Push service worker (public/sw.js): script-src's 'strict-dynamic' would not admit it.
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers for every response, page or not. HSTS only in production (a browser keeps it for two years). */
export function baseSecurityHeaders({ production }: { production: boolean }): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    // geolocation=(self): the home page's "nearby" button asks for the visitor's location (and only on a
    // click); geolocation=() blocked it in every browser before the prompt, so the button did nothing.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(self), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    // Older browsers that ignore frame-ancestors.
    "X-Frame-Options": "DENY",
    ...(production ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
