import { queueView } from "@/lib/api/read";
import { withApiKey } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

/** GET /api/v1/queue: the key's store's pool, head and waiting entries. */
export const GET = withApiKey(async (_req, { key }) => queueView(key.queueId));
