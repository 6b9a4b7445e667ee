import { openApiDocument } from "@/lib/api/openapi";
import { methodNotAllowed, withPublicApi } from "@/lib/http/v1";

/** GET /api/v1/openapi.json: the POS API's OpenAPI 3.1 document (public). */
export const GET = withPublicApi(() =>
  Response.json(openApiDocument, { headers: { "cache-control": "public, max-age=300" } }),
);

const notAllowed = methodNotAllowed(["GET"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
