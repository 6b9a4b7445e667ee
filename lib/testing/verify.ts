import { expect } from "vitest";
import { db } from "@/db";
import { verifyBooks } from "@/lib/queue/verify";

/** Asserts that every SPEC invariant holds on the whole database. */
export async function expectLedgerClean(): Promise<void> {
  const results = await verifyBooks(db);
  const bad = results.filter((r) => r.violations > 0).map((r) => `${r.id}: ${r.examples.join("; ")}`);
  expect(bad).toEqual([]);
}
