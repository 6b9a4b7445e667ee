import type { NextRequest } from "next/server";
import { DomainError } from "@/lib/errors";

/**
 * A cron call's options: the query string, plus a JSON object body on POST. The same option given
 * both ways must agree. Values are validated by each route's zod schema.
 */
export async function cronInput(req: NextRequest): Promise<Record<string, unknown>> {
  const query: Record<string, unknown> = Object.fromEntries(req.nextUrl.searchParams);
  if (req.method !== "POST") return query;
  const text = await req.text();
  if (text.trim() === "") return query;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new DomainError("invalid_input", "body must be a JSON object");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new DomainError("invalid_input", "body must be a JSON object");
  }
  for (const [k, v] of Object.entries(body)) {
    // Own keys only: `constructor in {}` is true.
    if (Object.hasOwn(query, k) && query[k] !== v) throw new DomainError("invalid_input", `${k} differs between the query and the body`);
  }
  return { ...body, ...query };
}
