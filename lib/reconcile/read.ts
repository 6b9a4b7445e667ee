import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { db } from "@/db";
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

function where(f: RunFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.day) parts.push(sql`r.day = ${f.day}::date`);
  if (f.provider) parts.push(sql`r.provider = ${f.provider}`);
  return sql.join(parts, sql` and `);
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The runs, newest day first (the latest `limit` provider-days when no day is picked). */
export async function listRuns(f: RunFilter = {}, limit = 60): Promise<RunView[]> {
  const res = await db.execute<Record<string, unknown>>(sql`
    select r.id, r.provider, to_char(r.day, 'YYYY-MM-DD') as day, r.status, r.bill_source, r.provider_count, r.provider_fen,
           r.ledger_count, r.ledger_fen, r.mismatch_count, r.error, r.requested_at, r.finished_at
    from reconciliation_runs r where ${where(f)}
    order by r.day desc, r.provider limit ${limit}`);
  return res.rows.map((r) => ({
    id: Number(r.id),
    provider: String(r.provider),
    day: String(r.day),
    status: r.status as RunStatus,
    billSource: (r.bill_source as string | null) ?? null,
    providerCount: Number(r.provider_count),
    providerFen: Number(r.provider_fen),
    ledgerCount: Number(r.ledger_count),
    ledgerFen: Number(r.ledger_fen),
    mismatchCount: Number(r.mismatch_count),
    error: (r.error as string | null) ?? null,
    requestedAt: new Date(r.requested_at as string),
    finishedAt: r.finished_at ? new Date(r.finished_at as string) : null,
  }));
}

/** The mismatches of the runs the filter picks, by day (newest first), then time. */
export async function listMismatches(f: RunFilter = {}, limit = 500): Promise<MismatchView[]> {
  const res = await db.execute<Record<string, unknown>>(sql`
    select m.id, m.run_id, r.provider, to_char(r.day, 'YYYY-MM-DD') as day, m.kind, m.tx_kind, m.out_id, m.provider_ref,
           m.provider_fen, m.ledger_fen, m.postings, m.at
    from reconciliation_mismatches m join reconciliation_runs r on r.id = m.run_id
    where ${where(f)}
    order by r.day desc, r.provider, m.at nulls last, m.id limit ${limit}`);
  return res.rows.map((m) => ({
    id: Number(m.id),
    runId: Number(m.run_id),
    provider: String(m.provider),
    day: String(m.day),
    kind: m.kind as MismatchKind,
    txKind: String(m.tx_kind),
    outId: String(m.out_id),
    providerRef: (m.provider_ref as string | null) ?? null,
    providerFen: num(m.provider_fen),
    ledgerFen: num(m.ledger_fen),
    postings: Number(m.postings),
    at: m.at ? new Date(m.at as string) : null,
  }));
}
