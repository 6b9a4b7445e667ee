import { inTransaction } from "@/db/transaction";
import { DomainError } from "@/lib/errors";
import { expireStorePagesFromRoute } from "@/lib/http/store-pages";
import { withAuth } from "@/lib/http/route";
import { PHOTO_MAX_UPLOAD_BYTES, preparePhoto } from "@/lib/merchants/photo";
import { deleteStorePhoto, saveStorePhoto } from "@/lib/merchants/profile";

// Room for the multipart envelope around the file.
const ENVELOPE_BYTES = 64 * 1024;

/**
 * The owner uploads the store's cover photo (multipart, field `photo`). The declared length is
 * checked before anything is read, then the photo is checked and resized (lib/merchants/photo.ts)
 * outside any transaction, and stored. Refusals say why, and store nothing.
 */
export const POST = withAuth({ allow: ["merchant-session"] }, async (req, ctx) => {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (!Number.isFinite(declared)) throw new DomainError("invalid_input", "photo.missing", "photo");
  if (declared > PHOTO_MAX_UPLOAD_BYTES + ENVELOPE_BYTES) {
    throw new DomainError("invalid_input", "photo.tooLarge", "photo", { max: PHOTO_MAX_UPLOAD_BYTES / 1024 / 1024 });
  }
  const form = await req.formData().catch(() => null);
  const file = form?.get("photo");
  if (!file || typeof file === "string") throw new DomainError("invalid_input", "photo.missing", "photo");
  const photo = await preparePhoto({ name: file.name, bytes: Buffer.from(await file.arrayBuffer()) });
  const saved = await inTransaction((tx) => saveStorePhoto(tx, { ownerUserId: ctx.viewer!.userId, photo }));
  expireStorePagesFromRoute();
  return { ok: true, version: saved.sha256.slice(0, 16), width: photo.width, height: photo.height };
});

/** The owner removes the cover photo. */
export const DELETE = withAuth({ allow: ["merchant-session"] }, async (_req, ctx) => {
  const result = await inTransaction((tx) => deleteStorePhoto(tx, { ownerUserId: ctx.viewer!.userId }));
  expireStorePagesFromRoute();
  return { ok: true, removed: result.removed };
});
