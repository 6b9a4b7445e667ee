import "server-only";
import { eq, sql } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { reconciliationMismatches, reconciliationRuns } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { requireOperator } from "@/lib/roles";
import { addJob, type JobPayload } from "@/lib/jobs";
import { paymentProvider, reconciledProviders, type BillRow, type PaymentProvider } from "@/lib/payments";
import { chinaDayBounds, chinaDayOf, dayBefore } from "@/lib/payments/bill-text";
import { billKeys, compareDay, type Mismatch, type Totals } from "./compare";
import { railPostings, recordsBill } from "./ledger-side";
import { transferPostings } from "./transfers";

/**
 * The daily reconciliation of one provider's bill with the ledger, run by the durable job
 * `reconcile.day`. The bill is downloaded and the ledger read outside any transaction; the result
 * is written in one transaction that replaces the day's previous result (run row and mismatches),
 * so a re-run of a day is idempotent and never leaves half a result.
 */

export type ProviderFor = (id: string) => PaymentProvider;

/** A China-time day that exists and is not in the future (the provider has no bill for it). */
export function checkDay(day: string, now = new Date()): string {
  try {
    chinaDayBounds(day);
  } catch {
    throw new DomainError("invalid_input", "reconcile.dayInvalid");
  }
  if (day >= chinaDayOf(now)) throw new DomainError("invalid_input", "reconcile.dayNotPast");
  return day;
}

/**
 * The provider's side of a day: the trade bill's payments and refunds (or the ledger's records, for
 * a provider that keeps no bill) and the account statement's transfers.
 */
async function billRows(
  provider: PaymentProvider,
  day: string,
): Promise<{ source: "provider" | "ledger"; rows: BillRow[]; transfers: boolean }> {
  const [bill, statement] = await Promise.all([provider.downloadBill(day), provider.downloadTransferStatement(day)]);
  // A provider that sends no real transfers (dev, POS) has no statement: its withdrawals are not compared.
  const transfers = statement.source === "provider";
  const transferRows = statement.source === "provider" ? statement.rows : [];
  if (bill.source === "provider") return { source: "provider", rows: [...bill.rows, ...transferRows], transfers };
  const { from, to } = chinaDayBounds(day);
  return { source: "ledger", rows: [...(await recordsBill(db, { provider: provider.id, from, to })), ...transferRows], transfers };
}

export type DayResult = { status: "matched" | "mismatched"; totals: Totals; mismatches: Mismatch[] };

/** An error's message for the operator: one bounded line (providers' errors carry no secrets). */
function describe(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\s+/g, " ").slice(0, 300) || "failed";
}

/**
 * The run row for the day, created if need be, locked for this transaction (the no-op update on
 * conflict takes the row lock), with its previous mismatches deleted.
 */
async function lockRun(tx: Tx, provider: string, day: string): Promise<number> {
  const r = reconciliationRuns;
  const [run] = await tx
    .insert(r)
    .values({ provider, day })
    .onConflictDoUpdate({ target: [r.provider, r.day], set: { provider: sql`excluded.provider` } })
    .returning({ id: r.id });
  await tx.delete(reconciliationMismatches).where(eq(reconciliationMismatches.runId, run!.id));
  return run!.id;
}

/**
 * Reconciles one provider's day and stores the result. A bill that cannot be had or read (not made
 * yet, the provider down, a file that does not check out) is stored as a failed run with its
 * reason, and rethrown so the job tries again later.
 */
export async function reconcileDay(provider: PaymentProvider, day: string): Promise<DayResult> {
  const window = chinaDayBounds(day);
  let result: DayResult & { source: "provider" | "ledger" };
  try {
    const bill = await billRows(provider, day);
    const postingsFor = async (rows: BillRow[]) => [
      ...(await railPostings(db, {
        provider: provider.id,
        ...window,
        payments: rows.filter((r) => r.kind === "payment").map((r) => r.outId),
        refunds: rows.filter((r) => r.kind === "refund").map((r) => r.outId),
      })),
      ...(bill.transfers
        ? await transferPostings(db, { provider: provider.id, ...window, outIds: rows.filter((r) => r.kind === "transfer").map((r) => r.outId) })
        : []),
    ];
    let compared = compareDay({ bill: bill.rows, postings: await postingsFor(bill.rows), window });
    if (compared.mismatches.some((m) => m.kind === "missing_at_provider")) {
      // Posted just after midnight for a transaction of the day before? That bill decides; its
      // transactions' postings of every day are read too, so one posted twice still shows.
      const earlier = await billRows(provider, dayBefore(day));
      const postings = await postingsFor([...bill.rows, ...earlier.rows]);
      compared = compareDay({ bill: bill.rows, postings, window, earlierBill: billKeys(earlier.rows) });
    }
    result = { ...compared, status: compared.mismatches.length === 0 ? "matched" : "mismatched", source: bill.source };
  } catch (e) {
    await inTransaction(async (tx) => {
      const runId = await lockRun(tx, provider.id, day);
      await tx
        .update(reconciliationRuns)
        .set({
          status: "failed",
          error: describe(e),
          billSource: null,
          providerCount: 0,
          providerFen: 0,
          ledgerCount: 0,
          ledgerFen: 0,
          mismatchCount: 0,
          finishedAt: sql`now()`,
        })
        .where(eq(reconciliationRuns.id, runId));
    });
    throw e;
  }

  await inTransaction(async (tx) => {
    const runId = await lockRun(tx, provider.id, day);
    const m = result.mismatches;
    if (m.length > 0) {
      await tx.execute(sql`
        insert into reconciliation_mismatches (run_id, kind, tx_kind, out_id, provider_ref, provider_fen, ledger_fen, postings, at)
        select ${runId}, x.kind::reconciliation_mismatch_kind, x.tx_kind, x.out_id, x.provider_ref, x.provider_fen, x.ledger_fen, x.postings, x.at
        from unnest(${sql.param(m.map((x) => x.kind))}::text[], ${sql.param(m.map((x) => x.txKind))}::text[], ${sql.param(m.map((x) => x.outId))}::text[],
                    ${sql.param(m.map((x) => x.providerRef))}::text[], ${sql.param(m.map((x) => x.providerFen))}::bigint[],
                    ${sql.param(m.map((x) => x.ledgerFen))}::bigint[], ${sql.param(m.map((x) => x.postings))}::int[],
                    ${sql.param(m.map((x) => x.at?.toISOString() ?? null))}::timestamptz[])
             as x(kind, tx_kind, out_id, provider_ref, provider_fen, ledger_fen, postings, at)`);
    }
    if (m.length > 0) {
      // The operator console lists them; the audit log keeps that the platform found them, and when.
      const kinds: Record<string, number> = {};
      for (const x of m) kinds[`${x.txKind}:${x.kind}`] = (kinds[`${x.txKind}:${x.kind}`] ?? 0) + 1;
      await recordAudit(tx, {
        actorUserId: null,
        action: "reconcile.mismatch",
        subjectType: "reconciliation",
        subjectId: `${provider.id}:${day}`,
        details: { count: m.length, kinds, outIds: m.slice(0, 50).map((x) => x.outId) },
      });
    }
    const t = result.totals;
    await tx
      .update(reconciliationRuns)
      .set({
        status: result.status,
        error: null,
        billSource: result.source,
        providerCount: t.providerCount,
        providerFen: t.providerFen,
        ledgerCount: t.ledgerCount,
        ledgerFen: t.ledgerFen,
        mismatchCount: m.length,
        finishedAt: sql`now()`,
      })
      .where(eq(reconciliationRuns.id, runId));
  });
  return { status: result.status, totals: result.totals, mismatches: result.mismatches };
}

/** The `reconcile.day` job's task. */
export async function runReconcileJob(job: JobPayload<"reconcile.day">, providerFor: ProviderFor = paymentProvider): Promise<DayResult> {
  return reconcileDay(providerFor(job.provider), job.day);
}

/**
 * Asks for a day's reconciliation: the day's run shows as queued, and a job does it after commit.
 * `actorUserId` is the operator who asked (audited), or null for the daily schedule.
 */
export async function requestReconciliation(tx: Tx, args: { provider: string; day: string; actorUserId: number | null }): Promise<void> {
  const r = reconciliationRuns;
  await tx
    .insert(r)
    .values({ provider: args.provider, day: args.day, status: "queued", requestedBy: args.actorUserId })
    .onConflictDoUpdate({
      target: [r.provider, r.day],
      set: { status: "queued", error: null, finishedAt: null, requestedBy: sql`excluded.requested_by`, requestedAt: sql`now()` },
    });
  await addJob(tx, "reconcile.day", { provider: args.provider, day: args.day });
  if (args.actorUserId !== null) {
    await recordAudit(tx, {
      actorUserId: args.actorUserId,
      action: "reconcile.rerun",
      subjectType: "reconciliation",
      subjectId: `${args.provider}:${args.day}`,
    });
  }
}

/** The daily schedule: yesterday (China time) for every reconciled provider. */
export async function requestYesterday(tx: Tx, now = new Date()): Promise<{ day: string; providers: string[] }> {
  const day = dayBefore(chinaDayOf(now));
  const providers = reconciledProviders();
  for (const provider of providers) await requestReconciliation(tx, { provider, day, actorUserId: null });
  return { day, providers };
}

/**
 * An operator re-runs a provider's day. Operators only (checked here too), the provider must be
 * one the platform reconciles, the day a past one.
 */
export async function rerunDay(tx: Tx, args: { provider: string; day: string; actorUserId: number }): Promise<void> {
  await requireOperator(tx, args.actorUserId);
  if (!reconciledProviders().includes(args.provider)) throw new DomainError("invalid_input", "reconcile.providerUnknown");
  await requestReconciliation(tx, { provider: args.provider, day: checkDay(args.day), actorUserId: args.actorUserId });
}
