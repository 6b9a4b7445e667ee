import "server-only";
import type { Db, Tx } from "@/db";
import { verifyLedger, type InvariantCheck, type InvariantResult } from "@/lib/ledger/verify";
import { countersRecount } from "./ahead";

const QUEUE_CHECKS: readonly InvariantCheck[] = [
  {
    id: "I9",
    title: "each queue's place-in-line counters equal a recount of its entries",
    query: countersRecount,
  },
];

/**
 * The whole check of the books: the ledger's invariants (I1–I8) and each queue's counters (I9).
 * It lives here, not in lib/ledger, because the ledger sits below the queue and knows nothing of it.
 */
export function verifyBooks(conn: Db | Tx): Promise<InvariantResult[]> {
  return verifyLedger(conn, QUEUE_CHECKS);
}
