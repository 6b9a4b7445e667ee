import "server-only";
import { PDFDocument, rgb } from "pdf-lib";
import QRCode from "qrcode";
import sharp from "sharp";
import { shapeLine, type ShapedLine, type Weight } from "./poster-font";

/** The poster's words, already in the language the merchant chose for it. */
export type PosterWords = { tagline: string; cta: string; rule: string; disclaimer: string };

export type PosterContent = {
  storeName: string;
  /** The store page at PUBLIC_URL (storeUrl): what the QR code opens. */
  url: string;
  /** The poster's language (a BCP 47 tag: zh-CN or en), written into the PDF. */
  lang: string;
  words: PosterWords;
};

export type PosterFormat = "png" | "pdf";

/** A4 portrait in PDF points (1/72 in): the page the layout is drawn on, in both formats. */
export const PAGE = { width: 595.28, height: 841.89 } as const;
/** The PNG is the same page at 150 dpi: sharp enough to print, small enough to send in a chat. */
export const PNG_SIZE = { width: 1240, height: 1754 } as const;

const MARGIN = 56;
const INK = "#111827";
const MUTED = "#4b5563";

type Shape = { d: string; fill: string; crisp?: boolean };

/**
 * Cuts text into pieces a line may end after: after a space, and between Chinese characters (but a
 * closing mark such as ，or 。 stays with the character before it). `anywhere` breaks between any
 * two characters (for the address).
 */
export function breakTokens(text: string, anywhere = false): string[] {
  const tokens: string[] = [];
  const closing = /[，。、；：！？）」』》%,.;:!?)]/u;
  const wide = (ch: string) => ch.codePointAt(0)! >= 0x2e80;
  let cur = "";
  for (const ch of text) {
    const startsNew = cur !== "" && !closing.test(ch) && (anywhere || /\s$/.test(cur) || wide(ch) || wide(cur.at(-1)!));
    if (startsNew) {
      tokens.push(cur);
      cur = "";
    }
    cur += ch;
  }
  if (cur) tokens.push(cur);
  return tokens;
}

/**
 * Greedy line filling at a given size and width; a single piece wider than the line stays whole.
 * Widths are summed piece by piece (each piece shaped once), which ignores kerning across a break
 * point: a fraction of a point, and the margins are wider than that.
 */
export function wrap(text: string, size: number, weight: Weight, maxWidth: number, anywhere = false): ShapedLine[] {
  const lines: string[] = [];
  let line = "";
  let lineWidth = 0;
  for (const tok of breakTokens(text, anywhere)) {
    const w = shapeLine(tok, size, weight).width;
    const trailing = tok.trimEnd() === tok ? 0 : shapeLine(tok.slice(tok.trimEnd().length), size, weight).width;
    if (line && lineWidth + w - trailing > maxWidth) {
      lines.push(line.trimEnd());
      line = tok.trimStart();
      lineWidth = w;
    } else {
      line += tok;
      lineWidth += w;
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines.map((l) => shapeLine(l, size, weight));
}

/** The QR code's dark modules as one path (one shape, so no seams between neighbouring squares). */
function qrPath(url: string, x: number, y: number, size: number): string {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: "M" });
  const quiet = 2;
  const cell = size / (modules.size + 2 * quiet);
  const r = (n: number) => Math.round(n * 100) / 100;
  let d = "";
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      const x0 = x + (col + quiet) * cell;
      const y0 = y + (row + quiet) * cell;
      d += `M${r(x0)} ${r(y0)}L${r(x0 + cell)} ${r(y0)}L${r(x0 + cell)} ${r(y0 + cell)}L${r(x0)} ${r(y0 + cell)}Z`;
    }
  }
  return d;
}

/**
 * The poster laid out on an A4 page, top to bottom: tagline, store name, QR code, call to action,
 * the promise (rule and disclaimer), and the address. Every line is centred.
 */
export function layoutPoster(content: PosterContent): Shape[] {
  const shapes: Shape[] = [];
  const width = PAGE.width - 2 * MARGIN;
  let y = MARGIN + 16;
  const block = (lines: ShapedLine[], size: number, lineHeight: number, fill: string) => {
    for (const l of lines) {
      y += size;
      const d = l.draw((PAGE.width - l.width) / 2, y).join("");
      if (d) shapes.push({ d, fill });
      y += size * (lineHeight - 1);
    }
  };

  block(wrap(content.words.tagline, 13, 400, width), 13, 1.4, MUTED);
  y += 20;
  // The name gets the biggest size at which it fits on two lines (a long name may take three).
  const nameSize = [40, 34, 28, 24].find((s) => wrap(content.storeName, s, 700, width).length <= 2) ?? 24;
  block(wrap(content.storeName, nameSize, 700, width), nameSize, 1.25, INK);
  y += 20;
  const qrSize = 340;
  shapes.push({ d: qrPath(content.url, (PAGE.width - qrSize) / 2, y, qrSize), fill: INK, crisp: true });
  y += qrSize + 20;
  block(wrap(content.words.cta, 26, 700, width), 26, 1.3, INK);
  y += 14;
  block(wrap(content.words.rule, 14, 400, width), 14, 1.6, INK);
  y += 8;
  block(wrap(content.words.disclaimer, 11, 400, width), 11, 1.6, MUTED);
  // The address sits at the foot of the page, so a reader can type it when a camera fails.
  const urlLines = wrap(content.url, 11, 400, width, true);
  y = Math.max(y + 16, PAGE.height - MARGIN - urlLines.length * 11 * 1.5);
  block(urlLines, 11, 1.5, MUTED);
  return shapes;
}

/** The layout as an SVG document, PNG_SIZE pixels for the page's points. */
export function posterSvg(content: PosterContent): string {
  const body = layoutPoster(content)
    .map((s) => `<path d="${s.d}" fill="${s.fill}"${s.crisp ? ' shape-rendering="crispEdges"' : ""}/>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${PNG_SIZE.width}" height="${PNG_SIZE.height}" viewBox="0 0 ${PAGE.width} ${PAGE.height}"><rect width="${PAGE.width}" height="${PAGE.height}" fill="#ffffff"/>${body}</svg>`;
}

function hexColor(hex: string) {
  const n = parseInt(hex.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

/** The poster as a one-page A4 PDF: vector shapes, with the store name, words and language as metadata. */
export async function posterPdf(content: PosterContent): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(content.storeName, { showInWindowTitleBar: true });
  doc.setSubject(`${content.words.cta} · ${content.url}`);
  doc.setKeywords([content.url]);
  doc.setLanguage(content.lang);
  doc.setCreator("Freeline");
  doc.setProducer("Freeline");
  // Fixed dates: the same poster gives the same bytes (pdf-lib stamps "now" otherwise).
  const epoch = new Date(0);
  doc.setCreationDate(epoch);
  doc.setModificationDate(epoch);
  const page = doc.addPage([PAGE.width, PAGE.height]);
  // drawSvgPath reads y downwards from its origin, as the SVG does: the origin is the page's top left.
  for (const s of layoutPoster(content)) page.drawSvgPath(s.d, { x: 0, y: PAGE.height, color: hexColor(s.fill) });
  return doc.save();
}

/** The poster as a PNG, PNG_SIZE pixels, rendered from the SVG by sharp (librsvg; text is already outlines). */
export async function posterPng(content: PosterContent): Promise<Buffer> {
  return sharp(Buffer.from(posterSvg(content))).png({ compressionLevel: 9, palette: true }).toBuffer();
}

export async function renderPoster(content: PosterContent, format: PosterFormat): Promise<Uint8Array> {
  return format === "pdf" ? posterPdf(content) : posterPng(content);
}
