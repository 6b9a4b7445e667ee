// The chaos run's data, loaded through the domain functions (the same rules and ledger as real
// data) on a connection of its own: an operator, many ordinary stores, one hot store, one
// manual-payout store holding a long covered queue for the drain that is killed mid-way, and
// customers who already have wallet money and locked points.
import { drizzle } from "drizzle-orm/node-postgres";
import { createPool, type Db, type Tx } from "@/db";
import * as schema from "@/db/schema";
import { createApiKey } from "@/lib/api/keys";
import { recordConsent } from "@/lib/auth/consent";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/users";
import { openCustomerAccounts } from "@/lib/ledger";
import { createStore } from "@/lib/merchants/store";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { drainBatch } from "@/lib/queue/drain";
import { DEFAULT_RULES, type RuleSettings } from "@/lib/rules/settings";

export const PASSWORD = "chaos-pass-2026-long";

export type SeededStore = {
  merchantId: number;
  queueId: number;
  slug: string;
  ownerUsername: string;
  apiKey: string;
  kind: "normal" | "hot" | "big";
};
export type SeededCustomer = { userId: number; username: string };
export type Seeded = {
  operator: { userId: number; username: string };
  stores: SeededStore[];
  hot: SeededStore;
  big: SeededStore;
  customers: SeededCustomer[];
  /** Waiting entries the big store's pool already covers: the drain that is killed half-way. */
  bigEntries: number;
};

export type SeedSize = { stores: number; customers: number; bigOrders: number };

/**
 * A user with the run's one password. Hashed once for everyone: argon2 per user would spend a
 * minute of this shared machine on set-up. Every user gets customer accounts and the privacy
 * notice's agreement, as on registration.
 */
async function seedUser(tx: Tx, hash: string, username: string, role: Role): Promise<number> {
  const [u] = await tx.insert(schema.users).values({ username, passwordHash: hash, role, displayName: username }).returning({ id: schema.users.id });
  await openCustomerAccounts(tx, u!.id);
  // Registration records the agreement to the privacy notice; without it every action but the
  // consent itself is refused (privacy.consentDue).
  await recordConsent(tx, u!.id);
  return u!.id;
}

/** Pays a seed order at once: created, confirmed and, when due, drained, in one transaction. */
async function paidOrder(db: Db, customerId: number, merchantId: number, amountFen: number, key: string, drain: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    const { order } = await createPendingOrder(tx, { customerId, merchantId, amountFen, idempotencyKey: key, provider: "dev" });
    const paid = await markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `chaos-seed-${key}` });
    if (drain && paid.drainDue) await drainBatch(tx, paid.queueId);
  });
}

export async function seedChaos(url: string, size: SeedSize): Promise<Seeded> {
  const pool = createPool(url, 4);
  const db = drizzle(pool, { schema });
  try {
    const hash = await hashPassword(PASSWORD);
    const operator = { username: "chaos_ops", id: await db.transaction((tx) => seedUser(tx, hash, "chaos_ops", "operator")) };

    const storeRules = (kind: SeededStore["kind"], i: number): RuleSettings => {
      if (kind === "hot") return DEFAULT_RULES;
      if (kind === "big") {
        // Manual payouts, so nothing drains it until the run does. Half of each order fills the pool
        // and entries are 20% of it in ¥10 units: the pool covers every entry of every order.
        return { ...DEFAULT_RULES, payoutMode: "manual", rebateBps: 5000, platformFeeBps: 0, pointsBps: 0, freeBps: 2000, unitCapFen: 1000, minOrderFen: 0 };
      }
      // Ordinary stores vary a little: some split big orders into ¥10–¥50 units.
      return { ...DEFAULT_RULES, rebateBps: 1000 + (i % 5) * 800, unitCapFen: i % 3 === 0 ? 0 : 1000 * (1 + (i % 5)) };
    };
    const stores: SeededStore[] = [];
    const kinds: SeededStore["kind"][] = ["hot", "big", ...Array.from({ length: size.stores }, () => "normal" as const)];
    for (const [i, kind] of kinds.entries()) {
      const slug = kind === "normal" ? `chaos-store-${i}` : `chaos-${kind}`;
      const owner = `chaos_m${i}`;
      stores.push(
        await db.transaction(async (tx) => {
          const userId = await seedUser(tx, hash, owner, "merchant");
          const m = await createStore(tx, { ownerUserId: userId, slug, name: `混沌 ${slug}`, rules: storeRules(kind, i), approved: true });
          const key = await createApiKey(tx, { merchantId: m.id, createdByUserId: userId, name: "chaos POS" });
          return { merchantId: m.id, queueId: m.queueId!, slug, ownerUsername: owner, apiKey: key.token, kind };
        }),
      );
    }

    const customers: SeededCustomer[] = await db.transaction(async (tx) => {
      const out: SeededCustomer[] = [];
      for (let i = 0; i < size.customers; i++) out.push({ userId: await seedUser(tx, hash, `chaos_c${i}`, "customer"), username: `chaos_c${i}` });
      return out;
    });

    // A wallet and points for everyone: a store whose pool covers each order's entry at once.
    const bank = await db.transaction(async (tx) => {
      return createStore(tx, {
        ownerUserId: await seedUser(tx, hash, "chaos_bank", "merchant"),
        slug: "chaos-bank",
        name: "混沌 bank",
        rules: { ...DEFAULT_RULES, rebateBps: 5000, platformFeeBps: 0, pointsBps: 2500, freeBps: 2000, unitCapFen: 0 },
        approved: true,
      });
    });
    // ¥300: 6000 fen paid to the wallet at once, 3750 locked points.
    for (const c of customers) await paidOrder(db, c.userId, bank.id, 30_000, `seed-bank-${c.userId}`, true);

    const hot = stores.find((s) => s.kind === "hot")!;
    const big = stores.find((s) => s.kind === "big")!;
    // Each ¥1,000 order queues 20% of itself, ¥200, as 20 entries of ¥10; its ¥500 rebate more than
    // covers them. (An earlier version counted 200 per order and seeded 800 entries in all, less
    // than one drain batch, so on a quiet machine the drain ended before the kill could land.)
    for (let i = 0; i < size.bigOrders; i++) {
      await paidOrder(db, customers[i % customers.length]!.userId, big.merchantId, 100_000, `seed-big-${i}`, false);
    }
    const bigEntries = size.bigOrders * 20;
    return { operator: { userId: operator.id, username: operator.username }, stores, hot, big, customers, bigEntries };
  } finally {
    await pool.end();
  }
}
