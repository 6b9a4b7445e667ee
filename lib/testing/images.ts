// Test-only image files for the photo upload's bad-input cases, made with node:zlib alone (no
// image library), so the files are exactly what the tests say they are.
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A greyscale PNG of the given size whose rows are all zero. For small sizes it is a complete,
 * valid image. For huge sizes only the first `rowsGiven` rows are present (a few kilobytes of
 * compressed zeros), as a decompression bomb's header and first data look: the header declares
 * the full size.
 */
export function greyPng(width: number, height: number, rowsGiven = height): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  // Each row: a filter byte (0) and `width` zero samples.
  const raw = Buffer.alloc(Math.min(height, rowsGiven) * (width + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A decompression bomb: a 30,000 × 30,000 PNG header (900 megapixels) in a file of a few kilobytes. */
export function pngBomb(): Buffer {
  return greyPng(30_000, 30_000, 64);
}

/** Bytes that are not an image at all, whatever the file is called. */
export const HTML_BYTES = Buffer.from("<!doctype html><script>alert(document.cookie)</script>", "utf8");

/** A GIF header: an image, but not a type the upload takes. */
export const GIF_BYTES = Buffer.concat([
  Buffer.from("GIF89a", "ascii"),
  Buffer.from([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21, 0xf9, 4, 1, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b]),
]);
