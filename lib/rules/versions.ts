import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { accounts, alliances, merchants, queues, ruleVersions, type RuleVersion } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { checkRules, MERCHANT_RULE_KEYS, RULE_KEYS, type MerchantRules, type RuleMessage } from "./form";
import type { RuleSettings } from "./settings";

/** A refused rule set: one message code per invalid field, and nothing written. The first is the error's own. */
export class RuleValidationError extends DomainError {
  constructor(readonly fieldErrors: Partial<Record<keyof RuleSettings, RuleMessage>>) {
    const [field, first] = Object.entries(fieldErrors)[0] ?? ["rebateBps", undefined];
    super("invalid_input", first?.message ?? "rules.invalid", field, first?.params);
    this.name = "RuleValidationError";
  }
}

/** The settings part of a rule_versions row. */
export function settingsOf(v: RuleVersion): RuleSettings {
  return {
    rebateBps: v.rebateBps,
    platformFeeBps: v.platformFeeBps,
    pointsBps: v.pointsBps,
    freeBps: v.freeBps,
    unitCapFen: v.unitCapFen,
    minOrderFen: v.minOrderFen,
    payoutMode: v.payoutMode,
    exitCompBps: v.exitCompBps,
    releaseBpsPerDay: v.releaseBpsPerDay,
    pointsExpiryDays: v.pointsExpiryDays,
  };
}

export type RuleChange = { key: keyof RuleSettings; from: RuleSettings[keyof RuleSettings]; to: RuleSettings[keyof RuleSettings] };

/** The settings that differ between two rule sets, in display order. */
export function diffRules(from: RuleSettings, to: RuleSettings): RuleChange[] {
  return RULE_KEYS.filter((k) => from[k] !== to[k]).map((k) => ({ key: k, from: from[k], to: to[k] }));
}

export type ChangeRulesResult = {
  changed: boolean;
  /** The version that now applies to new orders. */
  version: RuleVersion;
  changes: RuleChange[];
  queueId: number | null;
  /** The queue's payout mode after the change, when this change set it. */
  payoutModeSetTo: RuleSettings["payoutMode"] | null;
};

export type LockedMerchant = { id: number; status: string; queueId: number | null; ruleVersion: number };

/** Locks a merchant row for a change to its application or rules. */
export async function lockMerchant(tx: Tx, merchantId: number): Promise<LockedMerchant> {
  // NO KEY UPDATE: orders keep inserting (their foreign keys take KEY SHARE), but two rule changes
  // of one store run one after the other, so version numbers never collide.
  const [row] = await tx
    .select({ id: merchants.id, status: merchants.status, queueId: merchants.queueId, ruleVersion: merchants.ruleVersion })
    .from(merchants)
    .where(eq(merchants.id, merchantId))
    .for("no key update");
  if (!row) throw new DomainError("not_found", "store.notFound");
  return row;
}

async function currentVersion(tx: Tx | Db, merchantId: number, version: number): Promise<RuleVersion> {
  const [row] = await tx
    .select()
    .from(ruleVersions)
    .where(and(eq(ruleVersions.merchantId, merchantId), eq(ruleVersions.version, version)))
    .limit(1);
  if (!row) throw new Error(`merchant ${merchantId}: rule version ${version} missing`);
  return row;
}

/**
 * Appends a rule version for a locked merchant when `next` differs from its current rules, and
 * points new orders at it. Also used while an application is pending (lib/merchants/onboarding.ts).
 */
export async function appendRuleVersion(
  tx: Tx,
  m: LockedMerchant,
  next: RuleSettings,
  actorUserId: number,
): Promise<{ changed: boolean; version: RuleVersion; changes: RuleChange[] }> {
  const current = await currentVersion(tx, m.id, m.ruleVersion);
  const checked = checkRules(next);
  if (!checked.ok) throw new RuleValidationError(checked.fieldErrors);
  const changes = diffRules(settingsOf(current), checked.rules);
  if (changes.length === 0) return { changed: false, version: current, changes };
  const [version] = await tx
    .insert(ruleVersions)
    .values({ merchantId: m.id, version: m.ruleVersion + 1, createdByUserId: actorUserId, ...checked.rules })
    .returning();
  if (!version) throw new Error("rule version not created");
  await tx.update(merchants).set({ ruleVersion: version.version }).where(eq(merchants.id, m.id));
  return { changed: true, version, changes };
}

/**
 * A merchant changes its rules. The merchant's own settings are validated within PLATFORM_RULES;
 * the platform-set ones (fee, points release and expiry) are carried over. An identical rule set
 * writes nothing. Otherwise a new version applies to new orders only: earlier orders and entries
 * keep the version they reference. The queue's payout mode follows, except in an alliance, whose
 * shared queue keeps the alliance's mode.
 */
export async function changeRules(
  tx: Tx,
  args: { merchantId: number; actorUserId: number; settings: MerchantRules },
): Promise<ChangeRulesResult> {
  const m = await lockMerchant(tx, args.merchantId);
  if (m.status !== "approved" || m.queueId === null) {
    throw new DomainError("not_allowed", "rules.notApproved");
  }
  const current = await currentVersion(tx, m.id, m.ruleVersion);
  const next: RuleSettings = { ...settingsOf(current) };
  for (const key of MERCHANT_RULE_KEYS) (next as Record<string, unknown>)[key] = args.settings[key];

  const [queue] = await tx
    .select({ payoutMode: queues.payoutMode, allianceId: alliances.id })
    .from(queues)
    .leftJoin(alliances, eq(alliances.queueId, queues.id))
    .where(eq(queues.id, m.queueId))
    .limit(1);
  if (!queue) throw new Error(`merchant ${m.id}: queue ${m.queueId} missing`);
  if (queue.allianceId !== null && next.payoutMode !== queue.payoutMode) {
    throw new RuleValidationError({ payoutMode: { message: "rules.allianceMode" } });
  }

  const result = await appendRuleVersion(tx, m, next, args.actorUserId);
  let payoutModeSetTo: RuleSettings["payoutMode"] | null = null;
  if (result.changed && queue.allianceId === null && queue.payoutMode !== next.payoutMode) {
    // payout_mode is read under the pool lock when a payment is applied; take the same lock.
    await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.queueId, m.queueId), eq(accounts.kind, "pool")))
      .for("no key update");
    await tx.update(queues).set({ payoutMode: next.payoutMode }).where(eq(queues.id, m.queueId));
    payoutModeSetTo = next.payoutMode;
  }
  if (result.changed) {
    await recordAudit(tx, {
      actorUserId: args.actorUserId,
      action: "rules.change",
      subjectType: "merchant",
      subjectId: m.id,
      details: { version: result.version.version, changes: result.changes },
    });
  }
  return { ...result, queueId: m.queueId, payoutModeSetTo };
}

export type RuleHistoryItem = {
  id: number;
  version: number;
  createdAt: Date;
  rules: RuleSettings;
  /** What changed from the version before; empty for version 1. */
  changes: RuleChange[];
};

/** Every rule version of a store, newest first, each with what changed from the one before. */
export async function ruleHistory(merchantId: number, conn: Db | Tx = db): Promise<RuleHistoryItem[]> {
  const rows = await conn
    .select()
    .from(ruleVersions)
    .where(eq(ruleVersions.merchantId, merchantId))
    .orderBy(asc(ruleVersions.version));
  const items: RuleHistoryItem[] = [];
  let prev: RuleSettings | null = null;
  for (const row of rows) {
    const rules = settingsOf(row);
    items.push({ id: row.id, version: row.version, createdAt: row.createdAt, rules, changes: prev ? diffRules(prev, rules) : [] });
    prev = rules;
  }
  return items.reverse();
}

/** The rule version that applies to a store's new orders (any status). */
export async function currentRules(merchantId: number, conn: Db | Tx = db): Promise<RuleVersion> {
  const [row] = await conn
    .select({ v: ruleVersions })
    .from(merchants)
    .innerJoin(ruleVersions, and(eq(ruleVersions.merchantId, merchants.id), eq(ruleVersions.version, merchants.ruleVersion)))
    .where(eq(merchants.id, merchantId))
    .orderBy(desc(ruleVersions.version))
    .limit(1);
  if (!row) throw new DomainError("not_found", "store.notFound");
  return row.v;
}

/** The queue a store's orders join: its payout mode, and the alliance that sets it, if any. */
export async function storeQueueOf(merchantId: number): Promise<{ queueId: number; payoutMode: RuleSettings["payoutMode"]; allianceName: string | null } | null> {
  const [row] = await db
    .select({ queueId: queues.id, payoutMode: queues.payoutMode, allianceName: alliances.name })
    .from(merchants)
    .innerJoin(queues, eq(queues.id, merchants.queueId))
    .leftJoin(alliances, eq(alliances.queueId, queues.id))
    .where(eq(merchants.id, merchantId))
    .limit(1);
  return row ?? null;
}
