import fs from "node:fs";
import path from "node:path";

// For the tests that read the project's own code (the raw SQL census, named statements, message
// codes, client messages): one walk of the source tree and one way to drop comments.

/** The project's root folder. */
export const ROOT = path.resolve(import.meta.dirname, "..", "..");

const ALWAYS_SKIPPED = ["node_modules", ".next"];

/** Every .ts/.tsx file under `dir` (relative to the root) that is not a test, as root-relative paths; `skip` names folders to leave out. */
export function sourceFiles(dir: string, skip: readonly string[] = []): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return ALWAYS_SKIPPED.includes(e.name) || skip.includes(e.name) ? [] : sourceFiles(rel, skip);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/**
 * The code without its comments, which may name an API in passing, with its line numbers kept. A
 * `//` counts as a comment only at a line's start, so a URL in a string stays.
 */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/^\s*\/\/.*$/gm, "");
}
