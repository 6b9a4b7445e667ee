import QRCode from "qrcode";

/** The store page's QR code as an SVG string, generated on the server. */
export async function storeQrSvg(storeUrl: string): Promise<string> {
  return QRCode.toString(storeUrl, { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#111827", light: "#ffffff" } });
}

/** The public address of a store page, from the request's own host (behind a proxy: its forwarded host). */
export function storeUrl(headers: Headers, slug: string): string {
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? "localhost:3000";
  const proto = headers.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return `${proto}://${host}/s/${encodeURIComponent(slug)}`;
}
