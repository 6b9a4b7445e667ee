import "server-only";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { db } from "@/db";
import { reconciliationMismatches, reconciliationRuns } from "@/db/schema";
import type { MismatchKind } from "./compare";

/** What the operator console shows of the reconciliation, and what its CSV export writes. */

export type RunStatus = "queued" | "matched" | "mismatched" | "failed";

export type RunView = {
  id: number;
  provider: string;
  day: string;
  status: RunStatus;
  billSource: string | null;
  providerCount: number;
  providerFen: number;
  ledgerCount: number;
  ledgerFen: number;
  mismatchCount: number;
  error: string | null;
  requestedAt: Date;
  finishedAt: Date | null;
};

export type MismatchView = {
  id: number;
  runId: number;
  provider: string;
  day: string;
  kind: MismatchKind;
  txKind: string;
  outId: string;
  providerRef: string | null;
  providerFen: number | null;
  ledgerFen: number | null;
  postings: number;
  at: Date | null;
};

export type RunFilter = { day?: string; provider?: string };

function where(f: RunFilter): SQL | undefined {
  return and(f.day ? eq(reconciliationRuns.day, f.day) : undefined, f.provider ? eq(reconciliationRuns.provider, f.provider) : undefined);
}

/** The runs, newest day first (the latest `limit` provider-days when no day is picked). */
export async function listRuns(f: RunFilter = {}, limit = 60): Promise<RunView[]> {
  const r = reconciliationRuns;
  return db
    .select({
      id: r.id,
      provider: r.provider,
      day: r.day,
      status: r.status,
      billSource: r.billSource,
      providerCount: r.providerCount,
      providerFen: r.providerFen,
      ledgerCount: r.ledgerCount,
      ledgerFen: r.ledgerFen,
      mismatchCount: r.mismatchCount,
      error: r.error,
      requestedAt: r.requestedAt,
      finishedAt: r.finishedAt,
    })
    .from(r)
    .where(where(f))
    .orderBy(desc(r.day), r.provider)
    .limit(limit);
}

/** The mismatches of the runs the filter picks, by day (newest first), then time. */
export async function listMismatches(f: RunFilter = {}, limit = 500): Promise<MismatchView[]> {
  const m = reconciliationMismatches;
  const r = reconciliationRuns;
  return db
    .select({
      id: m.id,
      runId: m.runId,
      provider: r.provider,
      day: r.day,
      kind: m.kind,
      txKind: m.txKind,
      outId: m.outId,
      providerRef: m.providerRef,
      providerFen: m.providerFen,
      ledgerFen: m.ledgerFen,
      postings: m.postings,
      at: m.at,
    })
    .from(m)
    .innerJoin(r, eq(r.id, m.runId))
    .where(where(f))
    .orderBy(desc(r.day), r.provider, sql`${m.at} nulls last`, m.id)
    .limit(limit);
}
