import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";

/** The audit actions that are data requests: a person's downloads and deletion, a store's export and closing. */
export const DATA_REQUEST_ACTIONS = ["privacy.export", "privacy.delete", "store.export", "store.close"] as const;
export type DataRequestAction = (typeof DATA_REQUEST_ACTIONS)[number];

export type DataRequest = {
  id: number;
  action: DataRequestAction;
  userId: number | null;
  /** The requester's name now: a deleted account shows no name. */
  userName: string | null;
  deleted: boolean;
  subjectType: string;
  subjectId: string;
  file: string | null;
  createdAt: Date;
};

/** Data requests, newest first, from the audit log (where each is recorded as it happens). */
export async function dataRequests(opts: { limit?: number; beforeId?: number } = {}): Promise<DataRequest[]> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
  const res = await db.execute(sql`
    select a.id, a.action, a.actor_user_id, u.display_name, u.deleted_at is not null as deleted,
           a.subject_type, a.subject_id, a.details->>'file' as file, a.created_at
    from audit_log a left join users u on u.id = a.actor_user_id
    where a.action in (${sql.join(DATA_REQUEST_ACTIONS.map((x) => sql`${x}`), sql`, `)})
      ${opts.beforeId ? sql`and a.id < ${opts.beforeId}` : sql``}
    order by a.id desc
    limit ${limit}`);
  return mapRows(res, (r) => {
    // Null when the log names no actor (no user joined).
    const deleted = r.boolOrNull("deleted") ?? false;
    return {
      id: r.int("id"),
      action: r.oneOf("action", DATA_REQUEST_ACTIONS),
      userId: r.intOrNull("actor_user_id"),
      userName: deleted ? null : r.strOrNull("display_name"),
      deleted,
      subjectType: r.str("subject_type"),
      subjectId: r.str("subject_id"),
      file: r.strOrNull("file"),
      createdAt: r.date("created_at"),
    };
  });
}
