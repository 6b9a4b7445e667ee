import { db, pool } from "@/db";
import { verifyBooks } from "@/lib/queue/verify";

// Prints each invariant with its count of violations; exits non-zero on any.
const results = await verifyBooks(db);
let bad = 0;
for (const r of results) {
  bad += r.violations;
  console.log(`${r.violations === 0 ? "ok  " : "FAIL"} ${r.id.padEnd(3)} ${String(r.violations).padStart(6)}  ${r.title}`);
  for (const ex of r.examples) console.log(`        ${ex}`);
}
console.log(bad === 0 ? "ledger verified: 0 violations" : `ledger verification failed: ${bad} violations`);
await pool().end();
process.exit(bad === 0 ? 0 : 1);
