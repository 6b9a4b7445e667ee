import "server-only";
import { sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { queues, type Alliance } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { requireOperator } from "@/lib/roles";
import { openPoolAccount } from "@/lib/ledger";
import { waitingLateral } from "@/lib/queue/ahead";
import { lockQueue } from "@/lib/queue/lock";
import type { PayoutMode } from "@/lib/rules/settings";

export const ALLIANCE_RULES = { minMembers: 2, maxMembers: 20, nameMaxLength: 40 } as const;

// Forming alliances is rare: one at a time keeps "not already in an alliance" and the name check
// simple. An arbitrary constant key for pg_advisory_xact_lock ("FLAL").
const FORM_LOCK_KEY = 0x464c414c;

export type AllianceMember = { merchantId: number; name: string; slug: string };

export type FormedAlliance = {
  alliance: Alliance;
  queueId: number;
  members: (AllianceMember & { oldQueueId: number; oldPoolFen: number })[];
  /** Pending (unpaid) orders of the members, re-pointed at the alliance queue. */
  repointedOrders: number;
};

/**
 * Forms an alliance (异业联盟): a new shared queue and pool, and every member's new orders feed it.
 * Members must be approved, in no alliance yet, and have no waiting entries in their own queue
 * (docs/alliances.md: nobody already waiting loses the inflow they joined under).
 */
export async function formAlliance(
  tx: Tx,
  args: { name: string; merchantIds: number[]; operatorId: number; payoutMode?: PayoutMode },
): Promise<FormedAlliance> {
  const name = args.name.trim();
  if (name.length === 0 || name.length > ALLIANCE_RULES.nameMaxLength) {
    throw new DomainError("invalid_input", "alliance.nameLength", "name", { max: ALLIANCE_RULES.nameMaxLength });
  }
  const ids = [...new Set(args.merchantIds)];
  if (ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) throw new DomainError("invalid_input", "alliance.invalidMerchant", "merchantIds");
  if (ids.length < ALLIANCE_RULES.minMembers || ids.length > ALLIANCE_RULES.maxMembers) {
    throw new DomainError("invalid_input", "alliance.memberCount", "merchantIds", {
      min: ALLIANCE_RULES.minMembers,
      max: ALLIANCE_RULES.maxMembers,
    });
  }
  await requireOperator(tx, args.operatorId, "alliance.operatorsOnly");

  await tx.execute(sql`select pg_advisory_xact_lock(${FORM_LOCK_KEY})`);
  const dup = await tx.execute(sql`select 1 from alliances where lower(name) = lower(${name}) limit 1`);
  if (dup.rows.length > 0) throw new DomainError("conflict", "alliance.nameTaken", "name", { name });

  // The member rows stay locked until commit, so an approval change cannot slip in between.
  const rows = await tx.execute<{ id: number; name: string; slug: string; status: string; queue_id: number | null; alliance: string | null }>(sql`
    select m.id, m.name, m.slug, m.status, m.queue_id,
           (select a.name from alliances a where a.queue_id = m.queue_id) as alliance
    from merchants m where m.id = any(${sql.param(ids)}::bigint[])
    order by m.id
    for no key update of m`);
  if (rows.rows.length !== ids.length) throw new DomainError("not_found", "alliance.merchantMissing", "merchantIds");
  for (const m of rows.rows) {
    if (m.status !== "approved" || m.queue_id === null) throw new DomainError("not_allowed", "alliance.notApproved", "merchantIds", { name: m.name });
    if (m.alliance !== null) throw new DomainError("not_allowed", "alliance.alreadyIn", "merchantIds", { name: m.name, alliance: m.alliance });
  }
  const members = rows.rows.map((m) => ({ merchantId: Number(m.id), name: m.name, slug: m.slug, oldQueueId: Number(m.queue_id) }));
  const oldQueueIds = [...new Set(members.map((m) => m.oldQueueId))].sort((a, b) => a - b);
  // Fail fast before writing anything; the binding check is repeated below under the queue locks.
  await refuseWaiting(tx, members);

  const [queue] = await tx.insert(queues).values({ name, payoutMode: args.payoutMode ?? "auto" }).returning();
  if (!queue) throw new Error("alliance queue not created");
  await openPoolAccount(tx, queue.id);

  // Unpaid orders would otherwise join the old queue when paid, where no inflow follows them. This
  // runs before the old queues are locked, in the same order as a payment (order row, then queue),
  // so a payment in flight either commits first (and its entries are seen below) or waits and then
  // finds its order pointing at the alliance queue.
  const repointed = await tx.execute(sql`
    update orders set queue_id = ${queue.id}
    where merchant_id = any(${sql.param(ids)}::bigint[]) and status = 'pending' and queue_id <> ${queue.id}`);

  const oldPools = new Map<number, number>();
  for (const q of oldQueueIds) oldPools.set(q, (await lockQueue(tx, q)).balanceFen);
  await refuseWaiting(tx, members);

  await tx.execute(sql`update merchants set queue_id = ${queue.id} where id = any(${sql.param(ids)}::bigint[])`);
  const inserted = await tx.execute<{ id: number; name: string; queue_id: number; created_by_user_id: number; created_at: Date }>(sql`
    insert into alliances (name, queue_id, created_by_user_id) values (${name}, ${queue.id}, ${args.operatorId})
    returning id, name, queue_id, created_by_user_id, created_at`);
  const a = inserted.rows[0]!;
  const alliance: Alliance = {
    id: Number(a.id),
    name: a.name,
    queueId: Number(a.queue_id),
    createdByUserId: Number(a.created_by_user_id),
    createdAt: new Date(a.created_at),
  };
  const withPools = members.map((m) => ({ ...m, oldPoolFen: oldPools.get(m.oldQueueId) ?? 0 }));

  await recordAudit(tx, {
    actorUserId: args.operatorId,
    action: "alliance.form",
    subjectType: "alliance",
    subjectId: alliance.id,
    details: {
      name,
      queueId: queue.id,
      payoutMode: queue.payoutMode,
      members: withPools.map((m) => ({ merchantId: m.merchantId, name: m.name, oldQueueId: m.oldQueueId, oldPoolFen: m.oldPoolFen })),
      repointedPendingOrders: repointed.rowCount ?? 0,
    },
  });
  return { alliance, queueId: queue.id, members: withPools, repointedOrders: repointed.rowCount ?? 0 };
}

async function refuseWaiting(tx: Tx, members: { name: string; oldQueueId: number }[]): Promise<void> {
  const res = await tx.execute<{ queue_id: number; n: number }>(sql`
    select queue_id, count(*)::bigint as n from queue_entries
    where queue_id = any(${sql.param(members.map((m) => m.oldQueueId))}::bigint[]) and status = 'waiting'
    group by queue_id order by queue_id`);
  const first = res.rows[0];
  if (!first) return;
  const who = members.find((m) => m.oldQueueId === Number(first.queue_id))?.name ?? `#${first.queue_id}`;
  throw new DomainError("not_allowed", "alliance.stillWaiting", "merchantIds", { name: who, count: Number(first.n) });
}

/** The approved stores whose new orders feed a queue, by name. */
export async function queueMembers(queueId: number, conn: Db | Tx = db): Promise<AllianceMember[]> {
  const res = await conn.execute<{ id: number; name: string; slug: string }>(sql`
    select id, name, slug from merchants where queue_id = ${queueId} and status = 'approved' order by name, id`);
  return res.rows.map((r) => ({ merchantId: Number(r.id), name: r.name, slug: r.slug }));
}

export type AllianceView = { id: number; name: string; queueId: number; createdAt: Date; members: AllianceMember[] };

/** The alliance a store belongs to, with its members, or null. */
export async function allianceOf(merchantId: number, conn: Db | Tx = db): Promise<AllianceView | null> {
  const res = await conn.execute<{ id: number; name: string; queue_id: number; created_at: Date }>(sql`
    select a.id, a.name, a.queue_id, a.created_at from alliances a
    join merchants m on m.queue_id = a.queue_id where m.id = ${merchantId}`);
  const r = res.rows[0];
  if (!r) return null;
  return { id: Number(r.id), name: r.name, queueId: Number(r.queue_id), createdAt: new Date(r.created_at), members: await queueMembers(Number(r.queue_id), conn) };
}

/** The alliance that owns a queue, with its members, or null for a single store's queue. */
export async function allianceOfQueue(queueId: number, conn: Db | Tx = db): Promise<AllianceView | null> {
  const res = await conn.execute<{ id: number; name: string; queue_id: number; created_at: Date }>(sql`
    select id, name, queue_id, created_at from alliances where queue_id = ${queueId}`);
  const r = res.rows[0];
  if (!r) return null;
  return { id: Number(r.id), name: r.name, queueId: Number(r.queue_id), createdAt: new Date(r.created_at), members: await queueMembers(queueId, conn) };
}

export type AllianceSummary = AllianceView & {
  createdBy: string;
  payoutMode: "auto" | "manual";
  poolFen: number;
  waitingCount: number;
  waitingFen: number;
};

/** Every alliance, newest first, with members, pool and queue size. */
export async function listAlliances(): Promise<AllianceSummary[]> {
  const res = await db.execute<{
    id: number;
    name: string;
    queue_id: number;
    created_at: Date;
    created_by: string;
    payout_mode: "auto" | "manual";
    pool: number;
    n: number;
    total: number;
    members: { id: number; name: string; slug: string }[] | null;
  }>(sql`
    select a.id, a.name, a.queue_id, a.created_at, u.display_name as created_by, q.payout_mode, p.balance as pool,
           w.waiting_n as n, w.waiting_fen as total,
           (select json_agg(json_build_object('id', m.id, 'name', m.name, 'slug', m.slug) order by m.name, m.id)
              from merchants m where m.queue_id = a.queue_id and m.status = 'approved') as members
    from alliances a
    join users u on u.id = a.created_by_user_id
    join queues q on q.id = a.queue_id
    join accounts p on p.queue_id = a.queue_id and p.kind = 'pool'
    ${waitingLateral}
    order by a.id desc`);
  return res.rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    queueId: Number(r.queue_id),
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    payoutMode: r.payout_mode,
    poolFen: Number(r.pool),
    waitingCount: Number(r.n),
    waitingFen: Number(r.total),
    members: (r.members ?? []).map((m) => ({ merchantId: Number(m.id), name: m.name, slug: m.slug })),
  }));
}

export type AllianceCandidate = {
  merchantId: number;
  name: string;
  slug: string;
  queueId: number;
  poolFen: number;
  /** Waiting entries in the store's own queue: while any wait, the store cannot join. */
  waitingCount: number;
};

/** Approved stores in no alliance, for the form, with what would block them from joining. */
export async function allianceCandidates(): Promise<AllianceCandidate[]> {
  const res = await db.execute<{ id: number; name: string; slug: string; queue_id: number; pool: number; n: number }>(sql`
    select m.id, m.name, m.slug, m.queue_id, p.balance as pool, w.waiting_n as n
    from merchants m
    join accounts p on p.queue_id = m.queue_id and p.kind = 'pool'
    join queues q on q.id = m.queue_id
    ${waitingLateral}
    where m.status = 'approved' and not exists (select 1 from alliances a where a.queue_id = m.queue_id)
    order by m.name, m.id
    limit 500`);
  return res.rows.map((r) => ({
    merchantId: Number(r.id),
    name: r.name,
    slug: r.slug,
    queueId: Number(r.queue_id),
    poolFen: Number(r.pool),
    waitingCount: Number(r.n),
  }));
}
