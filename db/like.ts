/** `%text%` for LIKE/ILIKE, with the user's own % _ \ taken literally (Postgres's default escape is \). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
