import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";

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
  const res = await db.execute<{
    id: number;
    action: DataRequestAction;
    actor_user_id: number | null;
    display_name: string | null;
    deleted: boolean | null;
    subject_type: string;
    subject_id: string;
    file: string | null;
    created_at: Date;
  }>(sql`
    select a.id, a.action, a.actor_user_id, u.display_name, u.deleted_at is not null as deleted,
           a.subject_type, a.subject_id, a.details->>'file' as file, a.created_at
    from audit_log a left join users u on u.id = a.actor_user_id
    where a.action in (${sql.join(DATA_REQUEST_ACTIONS.map((x) => sql`${x}`), sql`, `)})
      ${opts.beforeId ? sql`and a.id < ${opts.beforeId}` : sql``}
    order by a.id desc
    limit ${limit}`);
  return res.rows.map((r) => ({
    id: Number(r.id),
    action: r.action,
    userId: r.actor_user_id === null ? null : Number(r.actor_user_id),
    userName: r.deleted ? null : r.display_name,
    deleted: !!r.deleted,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    file: r.file,
    createdAt: new Date(r.created_at),
  }));
}
