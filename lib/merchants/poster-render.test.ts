import fc from "fast-check";
import jsQR from "jsqr";
import { PDFDocument, PDFName } from "pdf-lib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import en from "@/messages/en/merchant.json";
import zh from "@/messages/zh-CN/merchant.json";
import { shapeLine } from "./poster-font";
import { breakTokens, PAGE, PNG_SIZE, posterPdf, posterPng, wrap, type PosterContent } from "./poster-render";

const URL_ = "https://shop.example/s/tea-house";

function content(lang: "zh-CN" | "en"): PosterContent {
  const m = (lang === "en" ? en : zh).poster;
  return {
    storeName: lang === "en" ? "Qingfeng Tea House" : "清风茶舍",
    url: URL_,
    lang,
    words: { tagline: m.tagline, cta: m.cta, rule: m.rule.replace("{rebate}", "8%"), disclaimer: m.disclaimer },
  };
}

/** Reads the QR code in a PNG the way a phone would: from its pixels. */
async function decodeQr(png: Buffer): Promise<string | null> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height)?.data ?? null;
}

describe("poster text", () => {
  it("has a glyph for every character of the poster's words, the store name and the address, in both languages", () => {
    for (const lang of ["zh-CN", "en"] as const) {
      const c = content(lang);
      for (const text of [c.storeName, c.url, ...Object.values(c.words)]) {
        for (const weight of [400, 700] as const) expect(shapeLine(text, 12, weight).missing, `${lang}: ${text}`).toEqual([]);
      }
    }
  });

  it("leaves out a character the font lacks rather than drawing a box, and says which", () => {
    // U+E000 is a private-use code point: no font slice covers it.
    const line = shapeLine("茶\uE000", 20, 400);
    expect(line.missing).toEqual(["\uE000"]);
    expect(line.draw(0, 20)).toHaveLength(1);
  });

  it("breaks lines only where a line may end, and loses no character", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("茶", "舍", "，", "。", "a", "b", " ", "%", "8") }), (text) => {
        const tokens = breakTokens(text);
        expect(tokens.join("")).toBe(text);
        // A closing mark never begins a piece: it stays with what it closes.
        for (const t of tokens.slice(1)) expect(/^[，。%]/.test(t)).toBe(false);
      }),
    );
    expect(breakTokens("Scan to order")).toEqual(["Scan ", "to ", "order"]);
    expect(breakTokens("扫码点单，排队")).toEqual(["扫", "码", "点", "单，", "排", "队"]);
  });

  it("wraps a long line within the page's width", () => {
    const lines = wrap(content("en").words.rule, 14, 400, 300);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.width).toBeLessThanOrEqual(300);
  });
});

describe("poster files", () => {
  for (const lang of ["zh-CN", "en"] as const) {
    it(`PNG (${lang}): an A4 page at 150 dpi whose QR code opens the store page`, async () => {
      const png = await posterPng(content(lang));
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe("png");
      expect([meta.width, meta.height]).toEqual([PNG_SIZE.width, PNG_SIZE.height]);
      expect(await decodeQr(png)).toBe(URL_);
    });

    it(`PDF (${lang}): one A4 page, titled with the store name, in the poster's language`, async () => {
      const c = content(lang);
      const bytes = await posterPdf(c);
      expect(bytes.byteLength).toBeLessThan(200_000);
      const doc = await PDFDocument.load(bytes, { updateMetadata: false });
      expect(doc.getPageCount()).toBe(1);
      const { width, height } = doc.getPage(0).getSize();
      expect([width, height]).toEqual([PAGE.width, PAGE.height]);
      expect(doc.getTitle()).toBe(c.storeName);
      expect(doc.getSubject()).toContain(c.words.cta);
      expect(doc.catalog.get(PDFName.of("Lang"))?.toString()).toContain(lang);
    });
  }

  it("draws a different QR code for a different address", async () => {
    const png = await posterPng({ ...content("zh-CN"), url: "https://shop.example/s/noodle-bar" });
    expect(await decodeQr(png)).toBe("https://shop.example/s/noodle-bar");
  });
});
