import "server-only";
import { createHash } from "node:crypto";
import sharp, { type Metadata, type OutputInfo } from "sharp";
import { STORE_PHOTO_MAX_STORED_BYTES } from "@/db/schema";
import { DomainError } from "@/lib/errors";

/** What an upload may be before it is resized: a phone's photo fits easily. */
export const PHOTO_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/**
 * The most pixels an upload may declare. A small file can declare huge dimensions (a
 * decompression bomb: 30,000 × 30,000 of one colour compresses to a few kilobytes and would
 * decode to 3.6 GB); the header is read first and such a file is refused before any decoding.
 */
export const PHOTO_MAX_PIXELS = 40_000_000;
/** The stored photo's longest side. */
export const PHOTO_MAX_SIDE = 1200;
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp"]);

// Each upload is decoded once and never again, so libvips' operation cache (up to 50 MB kept in
// the server after the first upload) saves nothing; and one thread per upload keeps a burst of
// uploads from holding a decode buffer per core at once. Photos are rare next to page loads.
sharp.cache(false);
sharp.concurrency(1);
const NAME_MAX = 200;

export type PreparedPhoto = { bytes: Buffer; width: number; height: number; sha256: string; contentType: "image/jpeg" };

function refuse(code: string, params?: Record<string, string | number>): never {
  throw new DomainError("invalid_input", code, "photo", params);
}

/**
 * Checks an uploaded cover photo and turns it into the stored one: a JPEG no larger than
 * PHOTO_MAX_SIDE on either side, turned upright by its EXIF orientation, with its metadata
 * (location included) dropped. The file's name and declared type are not trusted: the content
 * decides. A name with markup or control characters is refused outright, so it can never be
 * echoed anywhere.
 */
export async function preparePhoto(file: { name: string; bytes: Buffer }): Promise<PreparedPhoto> {
  if ([...file.name].length > NAME_MAX || /[<>"'`&\p{Cc}]/u.test(file.name)) refuse("photo.badName");
  if (file.bytes.length === 0) refuse("photo.empty");
  if (file.bytes.length > PHOTO_MAX_UPLOAD_BYTES) refuse("photo.tooLarge", { max: PHOTO_MAX_UPLOAD_BYTES / 1024 / 1024 });

  let meta: Metadata;
  try {
    // Reads the header only (no pixels are decoded), so the declared size can be judged below
    // with its own message; the decode further down keeps the pixel limit as a second guard.
    meta = await sharp(file.bytes, { limitInputPixels: false }).metadata();
  } catch {
    refuse("photo.notImage");
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) refuse("photo.wrongType");
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) refuse("photo.notImage");
  if (width * height > PHOTO_MAX_PIXELS) refuse("photo.tooManyPixels", { max: PHOTO_MAX_PIXELS / 1_000_000 });

  for (const quality of [82, 70, 55]) {
    let out: { data: Buffer; info: OutputInfo };
    try {
      out = await sharp(file.bytes, { limitInputPixels: PHOTO_MAX_PIXELS, failOn: "error" })
        .rotate()
        .resize({ width: PHOTO_MAX_SIDE, height: PHOTO_MAX_SIDE, fit: "inside", withoutEnlargement: true })
        .flatten({ background: "#ffffff" })
        .jpeg({ quality, mozjpeg: true })
        .toBuffer({ resolveWithObject: true });
    } catch {
      refuse("photo.notImage");
    }
    if (out.data.length <= STORE_PHOTO_MAX_STORED_BYTES) {
      return {
        bytes: out.data,
        width: out.info.width,
        height: out.info.height,
        sha256: createHash("sha256").update(out.data).digest("hex"),
        contentType: "image/jpeg",
      };
    }
  }
  refuse("photo.tooDetailed");
}
