/** A NUL, or a surrogate that is not half of a pair: Postgres text cannot store either. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a string holds a NUL or a lone surrogate. */
export function hasUnstorableText(s: string): boolean {
  return UNSTORABLE.test(s);
}
