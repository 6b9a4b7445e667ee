import { z } from "zod";
import { entryOfMerchant } from "@/lib/api/read";
import { idParam } from "@/lib/http/params";
import { ApiProblem } from "@/lib/api/problem";
import { methodNotAllowed, withApiKey } from "@/lib/http/v1";

export const dynamic = "force-dynamic";

const params = z.object({ id: idParam("the entry id must be a positive integer") });

/** GET /api/v1/entries/{id}: one entry of this store's orders; other stores' entries are 404. */
export const GET = withApiKey<{ id: string }>(async (_req, { key, params: raw }) => {
  const { id } = params.parse(raw);
  const entry = await entryOfMerchant(key.merchantId, id);
  if (!entry) throw new ApiProblem("not_found", `no entry ${id} among this store's orders`);
  return entry;
});

const notAllowed = methodNotAllowed(["GET"]);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
