import { queueView } from "@/lib/api/read";
import { methodNotAllowed, withApiKey } from "@/lib/http/v1";

export const dynamic = "force-dynamic";

/** GET /api/v1/queue: the key's store's pool, head and waiting entries. */
export const GET = withApiKey(async (_req, { key }) => queueView(key.queueId));

const notAllowed = methodNotAllowed(["GET"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
