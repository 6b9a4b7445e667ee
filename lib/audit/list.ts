import "server-only";
import { asc, count, eq, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { mapFirst, mapRows, type Cells } from "@/db/rows";
import { auditLog } from "@/db/schema";

type Conn = Db | Tx;

export type AuditLine = {
  id: number;
  actorUserId: number | null;
  /** The actor's display name; null for system actions (cron, webhooks) or no actor. */
  actorName: string | null;
  actorUsername: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
  /** What the subject is called (a store's, person's, queue's or alliance's name), when it has a name. */
  subjectName: string | null;
};

export const AUDIT_PAGE_SIZE = 50;

/** A line of the log as the raw queries below select it (with or without the subject's name). */
function toLine(r: Cells): AuditLine {
  const details = r.json("details");
  return {
    id: r.int("id"),
    actorUserId: r.intOrNull("actor_user_id"),
    actorName: r.strOrNull("actor_name"),
    actorUsername: r.strOrNull("actor_username"),
    action: r.str("action"),
    subjectType: r.str("subject_type"),
    subjectId: r.str("subject_id"),
    reason: r.strOrNull("reason"),
    details: details !== null && typeof details === "object" ? (details as Record<string, unknown>) : {},
    createdAt: r.date("created_at"),
    subjectName: r.has("subject_name") ? r.strOrNull("subject_name") : null,
  };
}

/** The subject's name, looked up by its kind (ids are stored as text; only digits are cast). */
const SUBJECT_NAME = sql`(case when l.subject_id ~ '^[0-9]{1,18}$' then case l.subject_type
    when 'merchant' then (select m.name from merchants m where m.id = l.subject_id::bigint)
    when 'user' then (select s.display_name from users s where s.id = l.subject_id::bigint)
    when 'queue' then (select q.name from queues q where q.id = l.subject_id::bigint)
    when 'alliance' then (select a.name from alliances a where a.id = l.subject_id::bigint)
  end end)`;

/** One page of the audit log, newest first, optionally only one action. */
export async function listAudit(
  opts: { action?: string; page?: number; pageSize?: number } = {},
  conn: Conn = db,
): Promise<{ rows: AuditLine[]; total: number }> {
  const pageSize = Math.min(Math.max(opts.pageSize ?? AUDIT_PAGE_SIZE, 1), 200);
  const page = Math.max(1, Math.floor(opts.page ?? 1));
  const filter = opts.action ? sql`where l.action = ${opts.action}` : sql``;
  const [rows, total] = await Promise.all([
    conn.execute(sql`
      select l.id, l.actor_user_id, u.display_name as actor_name, u.username as actor_username, l.action,
             l.subject_type, l.subject_id, l.reason, l.details, l.created_at, ${SUBJECT_NAME} as subject_name
      from audit_log l
      left join users u on u.id = l.actor_user_id
      ${filter}
      order by l.id desc
      limit ${pageSize} offset ${(page - 1) * pageSize}`),
    conn
      .select({ n: count() })
      .from(auditLog)
      .where(opts.action ? eq(auditLog.action, opts.action) : undefined),
  ]);
  return { rows: mapRows(rows, toLine), total: total[0]?.n ?? 0 };
}

/** Every action name that occurs in the log, for the filter. */
export async function auditActions(conn: Conn = db): Promise<string[]> {
  const found = await conn.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(asc(auditLog.action));
  return found.map((r) => r.action);
}

/** The newest record of one action, or null. */
export async function latestAudit(action: string, conn: Conn = db): Promise<AuditLine | null> {
  const res = await conn.execute(sql`
    select l.id, l.actor_user_id, u.display_name as actor_name, u.username as actor_username, l.action,
           l.subject_type, l.subject_id, l.reason, l.details, l.created_at
    from audit_log l
    left join users u on u.id = l.actor_user_id
    where l.action = ${action}
    order by l.id desc
    limit 1`);
  return mapFirst(res, toLine) ?? null;
}
