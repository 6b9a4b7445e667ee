import { withAuth } from "@/lib/http/route";
import { storePhotoBySlug } from "@/lib/merchants/profile";

const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,40}$/;

/**
 * A store's cover photo, from Postgres, so any instance serves it. A URL with the photo's version
 * (`?v=`, as the pages link it) never changes content and is cached for a year; without it the
 * answer is revalidated after five minutes. The ETag is the bytes' hash, so a revalidation costs
 * a 304.
 */
export const GET = withAuth<{ slug: string }>({ allow: ["public"] }, async (req, ctx) => {
  const slug = ctx.params.slug;
  const photo = SLUG_RE.test(slug) ? await storePhotoBySlug(slug) : null;
  if (!photo) return new Response("not found", { status: 404, headers: { "Cache-Control": "public, max-age=60", "Content-Type": "text/plain; charset=utf-8" } });
  const etag = `"${photo.sha256}"`;
  const version = req.nextUrl.searchParams.get("v");
  const headers: Record<string, string> = {
    "Content-Type": photo.contentType,
    ETag: etag,
    "Last-Modified": photo.updatedAt.toUTCString(),
    "Cache-Control": version === photo.sha256.slice(0, 16) ? "public, max-age=31536000, immutable" : "public, max-age=300, stale-while-revalidate=86400",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
  const match = req.headers.get("if-none-match");
  if (match && match.split(",").some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(photo.bytes), { headers: { ...headers, "Content-Length": String(photo.bytes.length) } });
});
