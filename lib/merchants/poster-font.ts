import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as fontkit from "fontkit";

/*
 * The poster's typeface: Noto Sans SC from the @fontsource/noto-sans-sc npm package (OFL-1.1).
 *
 * Why this and not the machine's fonts: a server may have no CJK font at all (a slim Docker image has
 * none), and then Chinese renders as empty boxes. The package installs with `npm ci` like any other
 * dependency, on every machine and in the image, with nothing to download at run time.
 *
 * Fontsource ships the font cut into ~100 WOFF2 slices per weight, each covering the code points its
 * CSS `unicode-range` names. We read that CSS to find the slice for each character and load only the
 * slices a poster uses (fontkit decodes WOFF2 itself). Text is drawn as glyph outlines (vector paths),
 * the same paths in the SVG that becomes the PNG and in the PDF, so neither librsvg nor the PDF needs
 * a font: no fontconfig set-up, no font embedding, and a string cut across slices still lines up.
 */

export type Weight = 400 | 700;

/**
 * A shaped line of text: its advance width, `draw(x, baseline)` giving each glyph's outline as SVG
 * path data in page units (y down), and any characters no slice covers (left out, never a box).
 */
export type ShapedLine = { width: number; draw: (x: number, baseline: number) => string[]; missing: string[] };

const PACKAGE_DIR = path.join(process.cwd(), "node_modules", "@fontsource", "noto-sans-sc");

type Slice = { file: string; ranges: [number, number][] };

const indexByWeight = new Map<Weight, { files: string[]; byCodePoint: Map<number, number> }>();
const fonts = new Map<string, fontkit.Font>();

/** The slices of one weight, from the package's CSS: file name and the code point ranges it covers. */
export function parseSlices(css: string): Slice[] {
  const out: Slice[] = [];
  for (const block of css.split("@font-face").slice(1)) {
    const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!file || !range) continue;
    const ranges = range.split(",").map((r): [number, number] => {
      const [a, b] = r.trim().replace(/^U\+/i, "").split("-");
      return [parseInt(a!, 16), parseInt(b ?? a!, 16)];
    });
    out.push({ file, ranges });
  }
  return out;
}

/** Code point -> slice, built once per weight (some 30,000 entries), so a lookup is one Map read. */
function sliceIndex(weight: Weight) {
  let index = indexByWeight.get(weight);
  if (!index) {
    const slices = parseSlices(readFileSync(path.join(PACKAGE_DIR, `${weight}.css`), "utf8"));
    const byCodePoint = new Map<number, number>();
    slices.forEach((s, i) => {
      for (const [a, b] of s.ranges) for (let cp = a; cp <= b; cp++) if (!byCodePoint.has(cp)) byCodePoint.set(cp, i);
    });
    index = { files: slices.map((s) => s.file), byCodePoint };
    indexByWeight.set(weight, index);
  }
  return index;
}

/**
 * A slice, decoded once per process and kept: decoding WOFF2 is the slow part of a render, and a
 * poster's characters come from a few dozen of the ~200 slices (two weights), ~100 KB each decoded.
 */
function loadFont(file: string): fontkit.Font {
  let f = fonts.get(file);
  if (!f) {
    f = fontkit.create(readFileSync(path.join(PACKAGE_DIR, "files", file))) as fontkit.Font;
    fonts.set(file, f);
  }
  return f;
}

/** The slice font that has a glyph for this code point, or null (then the character is left out). */
function fontFor(codePoint: number, weight: Weight): fontkit.Font | null {
  const index = sliceIndex(weight);
  const i = index.byCodePoint.get(codePoint);
  if (i === undefined) return null;
  const f = loadFont(index.files[i]!);
  return f.hasGlyphForCodePoint(codePoint) ? f : null;
}

/** Shapes one line of text at `size` page units per em. */
export function shapeLine(text: string, size: number, weight: Weight): ShapedLine {
  // Consecutive characters of the same slice form one run, so kerning within a run is kept.
  const runs: { font: fontkit.Font; text: string }[] = [];
  const missing: string[] = [];
  for (const ch of text) {
    const font = fontFor(ch.codePointAt(0)!, weight);
    if (!font) {
      if (!/\s/.test(ch)) missing.push(ch);
      continue;
    }
    const last = runs.at(-1);
    if (last?.font === font) last.text += ch;
    else runs.push({ font, text: ch });
  }
  const placed: { glyph: fontkit.Glyph; scale: number; x: number; y: number }[] = [];
  let width = 0;
  for (const run of runs) {
    const scale = size / run.font.unitsPerEm;
    const laid = run.font.layout(run.text);
    laid.glyphs.forEach((glyph, i) => {
      const pos = laid.positions[i]!;
      placed.push({ glyph, scale, x: width + pos.xOffset * scale, y: -pos.yOffset * scale });
      width += pos.xAdvance * scale;
    });
  }
  const draw = (x: number, baseline: number) =>
    placed
      .map((g) => g.glyph.path.scale(g.scale, -g.scale).translate(x + g.x, baseline + g.y).toSVG())
      .filter((d) => d.length > 0);
  return { width, draw, missing };
}
