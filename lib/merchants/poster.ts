import QRCode from "qrcode";

/** The store page's QR code as an SVG string, generated on the server. */
export async function storeQrSvg(storeUrl: string): Promise<string> {
  return QRCode.toString(storeUrl, { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#111827", light: "#ffffff" } });
}

/**
 * The public address of a store page: the site's configured public origin (PUBLIC_URL, passed in by
 * the page), never the request's host. A poster is printed once and scanned for months by other
 * people's phones, so it must carry the address customers reach, not the one the merchant happened
 * to open the console at (a LAN address, a preview host, or a Host header anyone can send).
 */
export function storeUrl(publicOrigin: string, slug: string): string {
  return `${publicOrigin.replace(/\/+$/, "")}/s/${encodeURIComponent(slug)}`;
}

/** IPv4 ranges no customer's phone can reach from outside: loopback, private, link-local, unspecified. */
function localIpv4(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 127 || a === 10 || a === 0 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 169 && b === 254);
}

/**
 * Whether an origin only works on the machine or network it was typed on (localhost, a private or
 * loopback address, a .local name): a poster that encodes it opens nothing on a customer's phone.
 */
export function isLocalOrigin(origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).hostname.toLowerCase();
  } catch {
    return true;
  }
  if (host.startsWith("[")) {
    const v6 = host.slice(1, -1);
    return v6 === "::1" || v6 === "::" || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^::ffff:(127|10|192\.168)\./.test(v6);
  }
  return host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal") || !host.includes(".") || localIpv4(host);
}
