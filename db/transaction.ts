import "server-only";
import { pgCode } from "./errors";
import { db, type Tx } from "./index";

// Deadlock and serialization failures roll the whole transaction back, so running it again is safe.
const RETRYABLE = new Set(["40P01", "40001"]);

/** Runs `fn` in one database transaction, retrying it whole after a deadlock. */
export async function inTransaction<T>(fn: (tx: Tx) => Promise<T>, retries = 3): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(fn);
    } catch (e) {
      const c = pgCode(e);
      if (attempt >= retries || !c || !RETRYABLE.has(c)) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}
