import { existsSync, readFileSync } from "node:fs";

/**
 * A key or certificate given as PEM text (`\n` escapes allowed, for one-line env files), as bare
 * base64 (how Alipay's key tool hands out keys), or as the path of a PEM file. The error names the
 * variable, never the value (which may be a key pasted into the wrong variable).
 */
export function pemOrFile(variable: string, value: string): string {
  const text = value.trim();
  if (text.startsWith("-----BEGIN")) return text.replaceAll("\\n", "\n");
  if (text.length > 100 && /^[A-Za-z0-9+/=\s]+$/.test(text)) return text;
  if (existsSync(text)) return readFileSync(text, "utf8");
  throw new Error(`${variable} is neither PEM text nor a readable file path.`);
}

/** Every PEM block of one kind in a text (a file may hold several platform certificates). */
export function pemBlocks(text: string, label: string): string[] {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, "g");
  return text.match(re) ?? [];
}
