import { openApiDocument } from "@/lib/api/openapi";
import { withPublicApi } from "@/lib/api/v1";

/** GET /api/v1/openapi.json: the POS API's OpenAPI 3.1 document (public). */
export const GET = withPublicApi(() =>
  Response.json(openApiDocument, { headers: { "cache-control": "public, max-age=300" } }),
);
