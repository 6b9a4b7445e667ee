import { z } from "zod";

/** `?page=`: a whole number from 1; anything unexpected is page 1 rather than an error. */
export const pageParam = z.coerce.number().int().min(1).max(1_000_000).catch(1);

/**
 * The URL of a paged list: `path` with the `params` that are set. Page 1 and empty values are left
 * out, so the first page of an unfiltered list is the bare path.
 */
export function pagedHref(path: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === "" || (key === "page" && value === 1)) continue;
    search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `${path}?${s}` : path;
}
