// No zod here: the application form imports this in the browser, where zod's first schema would
// probe for eval, which the page's CSP reports as a violation.

/**
 * A URL slug suggested from a store name: its Latin letters and digits, lower-cased, words joined
 * by hyphens (accents dropped). A name with too little of that (a Chinese name) gets `store-` and a
 * short tag derived from the name, which the applicant is expected to edit.
 */
export function suggestSlug(name: string): string {
  const ascii = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 36)
    .replace(/-+$/, "");
  if (ascii.length >= 3) return ascii;
  const trimmed = name.trim();
  if (trimmed === "") return "";
  // FNV-1a over the name's code points: the same name always suggests the same tag.
  let h = 0x811c9dc5;
  for (const ch of trimmed) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const tag = h.toString(36).padStart(6, "0").slice(0, 6);
  return ascii ? `${ascii}-${tag}` : `store-${tag}`;
}
