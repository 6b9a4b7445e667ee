import { ApiProblem } from "@/lib/api/problem";
import { withPublicApi } from "@/lib/http/v1";

/** Any other /api/v1 path: a problem-details 404 rather than the HTML not-found page. */
const notFound = withPublicApi((req) => {
  throw new ApiProblem("not_found", `no such endpoint: ${req.method} ${req.nextUrl.pathname}`);
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
