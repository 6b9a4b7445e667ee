import "server-only";
import { and, count, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Db, type Tx } from "@/db";
import { mapFirst, mapRows } from "@/db/rows";
import { allianceMembers, alliances, merchants, merchantStatus, orders, payoutMode, queueEntries, queues, type Alliance } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { requireOperator } from "@/lib/roles";
import { addJob } from "@/lib/jobs";
import { openPoolAccount, transferPool } from "@/lib/ledger";
import { waitingLateral } from "@/lib/queue/ahead";
import { headTarget, lockQueue, type LockedPool } from "@/lib/queue/lock";
import { moveEntries } from "@/lib/queue/move";
import type { PayoutMode } from "@/lib/rules/settings";
import { mergeByArrival, splitPool } from "./alliance-split";

export const ALLIANCE_RULES = { minMembers: 2, maxMembers: 20, nameMaxLength: 40 } as const;

// Forming, joining and dissolving are rare: one at a time keeps "not already in an alliance", the
// member count and the name check simple. An arbitrary constant key for pg_advisory_xact_lock ("FLAL").
const ALLIANCE_LOCK_KEY = 0x464c414c;

/** Takes the one-at-a-time lock of forming, joining and dissolving (held until commit). */
async function lockAlliances(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ALLIANCE_LOCK_KEY})`);
}

export type AllianceMember = { merchantId: number; name: string; slug: string };

export type HandedOver = {
  merchantId: number;
  name: string;
  /** The store's own queue, and what its pool and its waiting entries handed over. */
  oldQueueId: number;
  oldPoolFen: number;
  movedEntries: number;
  movedFen: number;
};

export type FormedAlliance = {
  alliance: Alliance;
  queueId: number;
  members: (AllianceMember & HandedOver)[];
  /** Pending (unpaid) orders of the members, re-pointed at the alliance queue. */
  repointedOrders: number;
  /** An auto queue whose pool now covers its head: a drain job was added. */
  drainDue: boolean;
};

type MemberRow = { merchantId: number; name: string; slug: string; oldQueueId: number };

/**
 * Forms an alliance (异业联盟): a new shared queue and pool, and every member's new orders feed it.
 * Members must be approved and in no alliance yet. A member's waiting entries and its pool move
 * into the shared queue with it (docs/alliances.md: nobody already waiting loses the inflow they
 * joined under), merged by when each entry joined.
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

  await lockAlliances(tx);
  const dup = await tx
    .select({ id: alliances.id })
    .from(alliances)
    .where(and(sql`lower(${alliances.name}) = lower(${name})`, isNull(alliances.dissolvedAt)))
    .limit(1);
  if (dup.length > 0) throw new DomainError("conflict", "alliance.nameTaken", "name", { name });

  const members = await lockFreeStores(tx, ids);
  const [queue] = await tx.insert(queues).values({ name, payoutMode: args.payoutMode ?? "auto" }).returning();
  if (!queue) throw new Error("alliance queue not created");
  await openPoolAccount(tx, queue.id);

  const [alliance] = await tx.insert(alliances).values({ name, queueId: queue.id, createdByUserId: args.operatorId }).returning();
  if (!alliance) throw new Error("alliance not created");
  const { handedOver, repointed, drainDue } = await handOver(tx, { allianceId: alliance.id, queueId: queue.id, members, operatorId: args.operatorId });

  await recordAudit(tx, {
    actorUserId: args.operatorId,
    action: "alliance.form",
    subjectType: "alliance",
    subjectId: alliance.id,
    details: {
      name,
      queueId: queue.id,
      payoutMode: queue.payoutMode,
      members: handedOver.map((m) => ({ merchantId: m.merchantId, name: m.name, oldQueueId: m.oldQueueId, oldPoolFen: m.oldPoolFen, movedEntries: m.movedEntries, movedFen: m.movedFen })),
      repointedPendingOrders: repointed,
    },
  });
  const bySlug = new Map(members.map((m) => [m.merchantId, m.slug]));
  return {
    alliance,
    queueId: queue.id,
    members: handedOver.map((m) => ({ ...m, slug: bySlug.get(m.merchantId) ?? "" })),
    repointedOrders: repointed,
    drainDue,
  };
}

export type JoinedAlliance = { allianceId: number; queueId: number; member: HandedOver; drainDue: boolean };

/**
 * Adds one approved store, in no alliance yet, to an existing alliance. Its waiting entries move to
 * the back of the shared queue, in their own order, and its pool goes with them: nobody already in
 * the shared queue gets anyone new ahead of them (docs/alliances.md).
 */
export async function joinAlliance(tx: Tx, args: { allianceId: number; merchantId: number; operatorId: number }): Promise<JoinedAlliance> {
  if (!Number.isSafeInteger(args.merchantId) || args.merchantId <= 0) throw new DomainError("invalid_input", "alliance.invalidMerchant", "merchantId");
  await requireOperator(tx, args.operatorId, "alliance.operatorsOnly");
  await lockAlliances(tx);
  const alliance = await activeAlliance(tx, args.allianceId);
  const [joined] = await tx.select({ n: count() }).from(allianceMembers).where(eq(allianceMembers.allianceId, alliance.id));
  if ((joined?.n ?? 0) >= ALLIANCE_RULES.maxMembers) {
    throw new DomainError("not_allowed", "alliance.full", "merchantId", { max: ALLIANCE_RULES.maxMembers });
  }
  const members = await lockFreeStores(tx, [args.merchantId]);
  const { handedOver, repointed, drainDue } = await handOver(tx, { allianceId: alliance.id, queueId: alliance.queueId, members, operatorId: args.operatorId });
  const member = handedOver[0]!;
  await recordAudit(tx, {
    actorUserId: args.operatorId,
    action: "alliance.join",
    subjectType: "alliance",
    subjectId: alliance.id,
    details: { name: alliance.name, queueId: alliance.queueId, member, repointedPendingOrders: repointed },
  });
  return { allianceId: alliance.id, queueId: alliance.queueId, member, drainDue };
}

/** Locks the stores' rows (until commit, so no approval change slips in) and checks they can join. */
async function lockFreeStores(tx: Tx, ids: number[]): Promise<MemberRow[]> {
  // Raw: one statement locks the rows in id order (FOR NO KEY UPDATE OF m), with the alliance each
  // store's queue belongs to beside them.
  const res = await tx.execute(sql`
    select m.id, m.name, m.slug, m.status, m.queue_id,
           (select a.name from alliances a where a.queue_id = m.queue_id) as alliance
    from merchants m where m.id = any(${sql.param(ids)}::bigint[])
    order by m.id
    for no key update of m`);
  const rows = mapRows(res, (r) => ({
    merchantId: r.int("id"),
    name: r.str("name"),
    slug: r.str("slug"),
    status: r.oneOf("status", merchantStatus.enumValues),
    queueId: r.intOrNull("queue_id"),
    alliance: r.strOrNull("alliance"),
  }));
  if (rows.length !== ids.length) throw new DomainError("not_found", "alliance.merchantMissing", "merchantIds");
  return rows.map((m) => {
    if (m.status !== "approved" || m.queueId === null) throw new DomainError("not_allowed", "alliance.notApproved", "merchantIds", { name: m.name });
    if (m.alliance !== null) throw new DomainError("not_allowed", "alliance.alreadyIn", "merchantIds", { name: m.name, alliance: m.alliance });
    return { merchantId: m.merchantId, name: m.name, slug: m.slug, oldQueueId: m.queueId };
  });
}

/**
 * Brings stores into an alliance's queue: their unpaid orders, their waiting entries (merged by when
 * each joined, behind everyone already waiting there) and their whole pools (pool_transfer). Lock
 * order as in a payment: order rows first, then every queue involved in id order.
 */
async function handOver(
  tx: Tx,
  args: { allianceId: number; queueId: number; members: MemberRow[]; operatorId: number },
): Promise<{ handedOver: HandedOver[]; repointed: number; drainDue: boolean }> {
  const ids = args.members.map((m) => m.merchantId);
  // An unpaid order would otherwise be paid into the old queue (the payment re-reads the store's
  // queue as well: lib/orders/pay.ts). Before the queues are locked, like a payment.
  const repointed = await tx
    .update(orders)
    .set({ queueId: args.queueId })
    .where(and(inArray(orders.merchantId, ids), eq(orders.status, "pending"), ne(orders.queueId, args.queueId)));

  const pools = await lockQueues(tx, [args.queueId, ...args.members.map((m) => m.oldQueueId)]);
  const to = pools.get(args.queueId)!;

  // Read under the locks: every entry committed before them is here, and none can change.
  const waiting = await tx
    .select({
      id: queueEntries.id,
      queueId: queueEntries.queueId,
      targetFen: queueEntries.targetFen,
      // Milliseconds with the microseconds as a fraction (float8 arrives as a number): a Date would
      // round them off, and two entries of one millisecond would tie in mergeByArrival.
      joinedMs: sql<number>`(extract(epoch from ${queueEntries.createdAt}) * 1000)::float8`,
    })
    .from(queueEntries)
    .where(and(inArray(queueEntries.queueId, args.members.map((m) => m.oldQueueId)), eq(queueEntries.status, "waiting")))
    .orderBy(queueEntries.queueId, queueEntries.position);
  const lists = args.members.map((m) =>
    waiting
      .filter((r) => r.queueId === m.oldQueueId)
      .map((r) => ({ id: r.id, memberId: m.merchantId, targetFen: r.targetFen, joinedAtMs: r.joinedMs })),
  );
  const merged = mergeByArrival(lists);
  await moveEntries(tx, { toQueueId: args.queueId, entryIds: merged.map((e) => e.id) });

  const handedOver: HandedOver[] = [];
  for (const [i, m] of args.members.entries()) {
    const from = pools.get(m.oldQueueId)!;
    await transferPool(tx, {
      fromPoolAccountId: from.poolAccountId,
      toPoolAccountId: to.poolAccountId,
      amountFen: from.balanceFen,
      actorUserId: args.operatorId,
      fromQueueId: m.oldQueueId,
      reason: `alliance ${args.allianceId}: ${m.name} joins`,
    });
    const mine = lists[i]!;
    handedOver.push({
      merchantId: m.merchantId,
      name: m.name,
      oldQueueId: m.oldQueueId,
      oldPoolFen: from.balanceFen,
      movedEntries: mine.length,
      movedFen: mine.reduce((s, e) => s + e.targetFen, 0),
    });
  }

  await tx.update(merchants).set({ queueId: args.queueId }).where(inArray(merchants.id, ids));
  // Raw: one set-based insert of every member's row from the arrays.
  await tx.execute(sql`
    insert into alliance_members (alliance_id, merchant_id, own_queue_id, brought_pool_fen, brought_entries)
    select ${args.allianceId}, x.merchant_id, x.own_queue_id, x.pool, x.entries
    from unnest(${sql.param(handedOver.map((h) => h.merchantId))}::bigint[], ${sql.param(handedOver.map((h) => h.oldQueueId))}::bigint[],
                ${sql.param(handedOver.map((h) => h.oldPoolFen))}::bigint[], ${sql.param(handedOver.map((h) => h.movedEntries))}::bigint[])
      as x(merchant_id, own_queue_id, pool, entries)`);
  const poolFen = to.balanceFen + handedOver.reduce((s, h) => s + h.oldPoolFen, 0);
  const drainDue = await drainIfDue(tx, args.queueId, poolFen);
  return { handedOver, repointed: repointed.rowCount ?? 0, drainDue };
}

/** Locks queues in id order, as every path that holds more than one queue lock must. */
async function lockQueues(tx: Tx, queueIds: number[]): Promise<Map<number, LockedPool>> {
  const out = new Map<number, LockedPool>();
  for (const q of [...new Set(queueIds)].sort((a, b) => a - b)) out.set(q, await lockQueue(tx, q));
  return out;
}

/** In auto mode, a pool that now covers its head gets a drain job, after commit, as a payment does. */
async function drainIfDue(tx: Tx, queueId: number, poolFen: number): Promise<boolean> {
  const [q] = await tx.select({ payoutMode: queues.payoutMode }).from(queues).where(eq(queues.id, queueId));
  if (q?.payoutMode !== "auto") return false;
  const head = await headTarget(tx, queueId);
  const due = head !== null && poolFen >= head;
  if (due) await addJob(tx, "queue.drain", { queueId });
  return due;
}

async function activeAlliance(tx: Tx, allianceId: number): Promise<{ id: number; name: string; queueId: number }> {
  if (!Number.isSafeInteger(allianceId) || allianceId <= 0) throw new DomainError("invalid_input", "alliance.notFound", "allianceId");
  const [a] = await tx
    .select({ id: alliances.id, name: alliances.name, queueId: alliances.queueId, dissolvedAt: alliances.dissolvedAt })
    .from(alliances)
    .where(eq(alliances.id, allianceId))
    .for("update");
  if (!a) throw new DomainError("not_found", "alliance.notFound", "allianceId");
  if (a.dissolvedAt !== null) throw new DomainError("conflict", "alliance.dissolved", "allianceId", { name: a.name });
  return { id: a.id, name: a.name, queueId: a.queueId };
}

type DissolvingMember = { merchantId: number; name: string; ownQueueId: number; broughtFen: number };

async function dissolveMembers(conn: Db | Tx, allianceId: number, queueId: number): Promise<DissolvingMember[]> {
  const members = await conn
    .select({ merchantId: allianceMembers.merchantId, name: merchants.name, ownQueueId: allianceMembers.ownQueueId, broughtFen: allianceMembers.broughtPoolFen })
    .from(allianceMembers)
    .innerJoin(merchants, eq(merchants.id, allianceMembers.merchantId))
    .where(and(eq(allianceMembers.allianceId, allianceId), eq(merchants.queueId, queueId)))
    .orderBy(allianceMembers.merchantId);
  if (members.length === 0) throw new Error(`alliance ${allianceId} has no members on record`);
  return members;
}

/** The shared queue's waiting entries, and each member's share of the pool (splitPool). */
async function planSplit(conn: Db | Tx, queueId: number, members: DissolvingMember[], poolFen: number) {
  const entries = await conn
    .select({ id: queueEntries.id, memberId: queueEntries.merchantId, targetFen: queueEntries.targetFen })
    .from(queueEntries)
    .where(and(eq(queueEntries.queueId, queueId), eq(queueEntries.status, "waiting")))
    .orderBy(queueEntries.position);
  const stray = entries.find((e) => !members.some((m) => m.merchantId === e.memberId));
  if (stray) throw new Error(`entry ${stray.id} of queue ${queueId} belongs to no member`);
  // What each store put into the shared pool: its orders' pool shares, and its own pool on joining.
  const paidIn = await conn.execute(sql`
    select o.merchant_id, coalesce(sum(o.pool_fen), 0)::bigint as fen
    from ledger_transactions t join orders o on o.id = t.order_id
    where t.kind = 'order_paid' and t.queue_id = ${queueId}
    group by o.merchant_id`);
  const paidBy = new Map(mapRows(paidIn, (r) => [r.int("merchant_id"), r.int("fen")] as const));
  const shares = splitPool({
    poolFen,
    entries,
    weights: members.map((m) => ({ memberId: m.merchantId, weight: m.broughtFen + (paidBy.get(m.merchantId) ?? 0) })),
  });
  return { entries, shares };
}

export type DissolvePreview = { allianceId: number; name: string; poolFen: number; members: Omit<DissolvedMember, "drainDue">[] };

/** What dissolving would do now, for the confirmation (read without locks: the action re-plans under them). */
export async function previewDissolve(allianceId: number, conn: Db | Tx = db): Promise<DissolvePreview | null> {
  const res = await conn.execute(sql`
    select a.id, a.name, a.queue_id, p.balance as pool from alliances a
    join accounts p on p.queue_id = a.queue_id and p.kind = 'pool'
    where a.id = ${allianceId} and a.dissolved_at is null`);
  const a = mapFirst(res, (r) => ({ id: r.int("id"), name: r.str("name"), queueId: r.int("queue_id"), poolFen: r.int("pool") }));
  if (!a) return null;
  const members = await dissolveMembers(conn, a.id, a.queueId);
  const { entries, shares } = await planSplit(conn, a.queueId, members, a.poolFen);
  return {
    allianceId: a.id,
    name: a.name,
    poolFen: a.poolFen,
    members: members.map((m) => {
      const mine = entries.filter((e) => e.memberId === m.merchantId);
      return { merchantId: m.merchantId, name: m.name, queueId: m.ownQueueId, movedEntries: mine.length, movedFen: mine.reduce((s, e) => s + e.targetFen, 0), poolFen: shares.get(m.merchantId) ?? 0 };
    }),
  };
}

export type DissolvedMember = {
  merchantId: number;
  name: string;
  queueId: number;
  /** Entries moved back to the store's own queue, their targets, and the pool share it got. */
  movedEntries: number;
  movedFen: number;
  poolFen: number;
  drainDue: boolean;
};

export type DissolvedAlliance = { allianceId: number; name: string; queueId: number; poolFen: number; members: DissolvedMember[] };

/**
 * Dissolves an alliance: every member gets its own queue back, with its own stores' waiting entries
 * in their shared-queue order, and a share of the shared pool (splitPool: what the pool covered of
 * its entries, then the rest by contribution). The shared queue is left empty, its pool at zero.
 */
export async function dissolveAlliance(tx: Tx, args: { allianceId: number; operatorId: number }): Promise<DissolvedAlliance> {
  await requireOperator(tx, args.operatorId, "alliance.operatorsOnly");
  await lockAlliances(tx);
  const alliance = await activeAlliance(tx, args.allianceId);

  // The member rows stay locked until commit: no approval change or other hand-over slips in.
  // Raw: one statement locks them in id order (FOR NO KEY UPDATE OF m).
  await tx.execute(sql`
    select m.id from alliance_members am join merchants m on m.id = am.merchant_id
    where am.alliance_id = ${alliance.id} order by m.id for no key update of m`);
  const members = await dissolveMembers(tx, alliance.id, alliance.queueId);

  // Order rows before queue locks, as a payment takes them; the payment re-reads the store's queue too.
  await tx.execute(sql`
    update orders o set queue_id = am.own_queue_id
    from alliance_members am
    where am.alliance_id = ${alliance.id} and o.merchant_id = am.merchant_id and o.status = 'pending' and o.queue_id = ${alliance.queueId}`);

  const pools = await lockQueues(tx, [alliance.queueId, ...members.map((m) => m.ownQueueId)]);
  const shared = pools.get(alliance.queueId)!;
  // Planned again under the locks: the entries and the pool cannot change any more.
  const { entries, shares } = await planSplit(tx, alliance.queueId, members, shared.balanceFen);

  const out: DissolvedMember[] = [];
  for (const m of members) {
    const mine = entries.filter((e) => e.memberId === m.merchantId);
    await moveEntries(tx, { toQueueId: m.ownQueueId, entryIds: mine.map((e) => e.id) });
    const share = shares.get(m.merchantId) ?? 0;
    await transferPool(tx, {
      fromPoolAccountId: shared.poolAccountId,
      toPoolAccountId: pools.get(m.ownQueueId)!.poolAccountId,
      amountFen: share,
      actorUserId: args.operatorId,
      fromQueueId: alliance.queueId,
      reason: `alliance ${alliance.id} dissolved: ${m.name}`,
    });
    out.push({
      merchantId: m.merchantId,
      name: m.name,
      queueId: m.ownQueueId,
      movedEntries: mine.length,
      movedFen: mine.reduce((s, e) => s + e.targetFen, 0),
      poolFen: share,
      drainDue: false,
    });
  }
  await tx.execute(sql`
    update merchants m set queue_id = am.own_queue_id
    from alliance_members am where am.alliance_id = ${alliance.id} and am.merchant_id = m.id and m.queue_id = ${alliance.queueId}`);
  await tx.update(alliances).set({ dissolvedAt: sql`now()`, dissolvedByUserId: args.operatorId }).where(eq(alliances.id, alliance.id));
  for (const m of out) m.drainDue = await drainIfDue(tx, m.queueId, pools.get(m.queueId)!.balanceFen + m.poolFen);

  await recordAudit(tx, {
    actorUserId: args.operatorId,
    action: "alliance.dissolve",
    subjectType: "alliance",
    subjectId: alliance.id,
    details: { name: alliance.name, queueId: alliance.queueId, poolFen: shared.balanceFen, members: out },
  });
  return { allianceId: alliance.id, name: alliance.name, queueId: alliance.queueId, poolFen: shared.balanceFen, members: out };
}

/** The approved stores whose new orders feed a queue, by name. */
export async function queueMembers(queueId: number, conn: Db | Tx = db): Promise<AllianceMember[]> {
  return conn
    .select({ merchantId: merchants.id, name: merchants.name, slug: merchants.slug })
    .from(merchants)
    .where(and(eq(merchants.queueId, queueId), eq(merchants.status, "approved")))
    .orderBy(merchants.name, merchants.id);
}

export type AllianceView = { id: number; name: string; queueId: number; createdAt: Date; members: AllianceMember[] };

/** The columns of an AllianceView besides its members. */
const allianceHead = { id: alliances.id, name: alliances.name, queueId: alliances.queueId, createdAt: alliances.createdAt };

/** The alliance a store belongs to, with its members, or null. */
export async function allianceOf(merchantId: number, conn: Db | Tx = db): Promise<AllianceView | null> {
  const [r] = await conn
    .select(allianceHead)
    .from(alliances)
    .innerJoin(merchants, eq(merchants.queueId, alliances.queueId))
    .where(eq(merchants.id, merchantId));
  if (!r) return null;
  return { ...r, members: await queueMembers(r.queueId, conn) };
}

/** The alliance that owns a queue, with its members, or null for a single store's queue. */
export async function allianceOfQueue(queueId: number, conn: Db | Tx = db): Promise<AllianceView | null> {
  const [r] = await conn.select(allianceHead).from(alliances).where(eq(alliances.queueId, queueId));
  if (!r) return null;
  return { ...r, members: await queueMembers(queueId, conn) };
}

export type AllianceSummary = AllianceView & {
  createdBy: string;
  payoutMode: "auto" | "manual";
  poolFen: number;
  waitingCount: number;
  waitingFen: number;
};

const MEMBERS_JSON = z.array(z.object({ id: z.number().int(), name: z.string(), slug: z.string() })).nullable();

/** Every alliance, newest first, with members, pool and queue size. */
export async function listAlliances(): Promise<AllianceSummary[]> {
  const res = await db.execute(sql`
    select a.id, a.name, a.queue_id, a.created_at, u.display_name as created_by, q.payout_mode, p.balance as pool,
           w.waiting_n as n, w.waiting_fen as total,
           (select json_agg(json_build_object('id', m.id, 'name', m.name, 'slug', m.slug) order by m.name, m.id)
              from merchants m where m.queue_id = a.queue_id and m.status = 'approved') as members
    from alliances a
    join users u on u.id = a.created_by_user_id
    join queues q on q.id = a.queue_id
    join accounts p on p.queue_id = a.queue_id and p.kind = 'pool'
    ${waitingLateral}
    where a.dissolved_at is null
    order by a.id desc`);
  // total (waiting_fen) is numeric, which int() reads from its text; members is json_agg's array,
  // null when no approved store is left.
  return mapRows(res, (r) => ({
    id: r.int("id"),
    name: r.str("name"),
    queueId: r.int("queue_id"),
    createdAt: r.date("created_at"),
    createdBy: r.str("created_by"),
    payoutMode: r.oneOf("payout_mode", payoutMode.enumValues),
    poolFen: r.int("pool"),
    waitingCount: r.int("n"),
    waitingFen: r.int("total"),
    members: (MEMBERS_JSON.parse(r.json("members")) ?? []).map((m) => ({ merchantId: m.id, name: m.name, slug: m.slug })),
  }));
}

export type AllianceCandidate = {
  merchantId: number;
  name: string;
  slug: string;
  queueId: number;
  poolFen: number;
  /** Waiting entries in the store's own queue, and their targets: they move with it on joining. */
  waitingCount: number;
  waitingFen: number;
};

/** Approved stores in no alliance, for the forms, with what would move with them on joining. */
export async function allianceCandidates(): Promise<AllianceCandidate[]> {
  const res = await db.execute(sql`
    select m.id, m.name, m.slug, m.queue_id, p.balance as pool, w.waiting_n as n, w.waiting_fen as fen
    from merchants m
    join accounts p on p.queue_id = m.queue_id and p.kind = 'pool'
    join queues q on q.id = m.queue_id
    ${waitingLateral}
    where m.status = 'approved' and not exists (select 1 from alliances a where a.queue_id = m.queue_id)
    order by m.name, m.id
    limit 500`);
  // fen (waiting_fen) is numeric, which int() reads from its text.
  return mapRows(res, (r) => ({
    merchantId: r.int("id"),
    name: r.str("name"),
    slug: r.str("slug"),
    queueId: r.int("queue_id"),
    poolFen: r.int("pool"),
    waitingCount: r.int("n"),
    waitingFen: r.int("fen"),
  }));
}
