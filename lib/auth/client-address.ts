import { isIP } from "node:net";

/** The address bucket used when no trusted proxy header is configured (or it is unusable). */
export const UNKNOWN_ADDRESS = "unknown";

/**
 * The client's address from a trusted proxy's header, for throttling. Each proxy appends the
 * address it was reached from, so with `hops` proxies the client is `hops` entries from the right;
 * entries further left were written by the client and prove nothing. Without a configured header
 * nothing is believed (Next itself only fills x-forwarded-for when the client sent none, so even
 * that header is the client's word). Anything that is not an IP address becomes "unknown".
 */
export function clientAddress(headers: Headers, config: { header?: string; hops: number }): string {
  if (!config.header) return UNKNOWN_ADDRESS;
  const raw = headers.get(config.header);
  if (!raw) return UNKNOWN_ADDRESS;
  const entries = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (entries.length < config.hops) return UNKNOWN_ADDRESS;
  return normaliseAddress(entries[entries.length - config.hops]!) ?? UNKNOWN_ADDRESS;
}

/** A bare IP address in canonical form ("::ffff:1.2.3.4" → "1.2.3.4", ports and brackets dropped), or null. */
export function normaliseAddress(entry: string): string | null {
  let s = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  s = s.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/.exec(s);
  if (mapped) s = mapped[1]!;
  return isIP(s) ? s : null;
}
