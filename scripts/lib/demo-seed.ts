// The demo seed. An entry point like a script: it composes the domain functions (so demo data
// goes through the same rules and ledger as real data) on a connection of its own.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { recordConsent } from "@/lib/auth/consent";
import { createUserWithRole } from "@/lib/auth/users";
import { acceptInvite, createInvite } from "@/lib/merchants/staff";
import { createStore } from "@/lib/merchants/store";
import { createPendingOrder } from "@/lib/orders/create";
import { markOrderPaid } from "@/lib/orders/pay";
import { drainBatch } from "@/lib/queue/drain";
import { DEFAULT_RULES, type RuleSettings } from "@/lib/rules/settings";
import { createPool } from "@/db";
import * as schema from "@/db/schema";

/** Demo accounts; the README lists the same. */
export const DEMO_USERS = {
  customer: { username: "demo", password: "demo-pass-2026", displayName: "演示顾客" },
  guest: { username: "guest", password: "guest-pass-2026", displayName: "路过的顾客" },
  operator: { username: "ops", password: "operator-pass-2026", displayName: "平台运营" },
  /** The tea house's cashier: the queue, the orders and the till, nothing else. */
  cashier: { username: "till", password: "cashier-pass-2026", displayName: "茶舍收银员" },
} as const;

/** A demo store's public profile and application details (addresses and numbers are made up). */
type DemoProfile = Pick<
  schema.Merchant,
  "address" | "phone" | "hours" | "category" | "latitude" | "longitude" | "businessName" | "licenceNo" | "contactPhone"
>;

export const DEMO_STORES: {
  slug: string;
  name: string;
  owner: string;
  password: string;
  rules: RuleSettings;
  profile: DemoProfile;
}[] = [
  {
    slug: "tea-house",
    name: "清风茶舍",
    owner: "tea",
    password: "merchant-pass-2026",
    rules: DEFAULT_RULES,
    profile: {
      address: "上海市黄浦区南京东路 299 号",
      phone: "021-6321 0001",
      hours: "每天 09:00–22:00",
      category: "drinks",
      latitude: 31.238,
      longitude: 121.48,
      businessName: "上海清风茶舍餐饮有限公司",
      licenceNo: "91310101MA1FL00011",
      contactPhone: "13800138001",
    },
  },
  {
    slug: "noodle-bar",
    name: "老街面馆",
    owner: "noodle",
    password: "merchant-pass-2026",
    rules: { ...DEFAULT_RULES, rebateBps: 3000, unitCapFen: 5000 },
    profile: {
      address: "上海市黄浦区福州路 120 号",
      phone: "021-6321 0002",
      hours: "周一至周六 10:30–21:00",
      category: "restaurant",
      latitude: 31.234,
      longitude: 121.486,
      businessName: "黄浦区老街面馆（个体工商户）",
      licenceNo: "92310101MA1FL00022",
      contactPhone: "13800138002",
    },
  },
  {
    slug: "book-cafe",
    name: "拾页书咖",
    owner: "book",
    password: "merchant-pass-2026",
    rules: { ...DEFAULT_RULES, rebateBps: 1500, minOrderFen: 500, payoutMode: "manual" },
    profile: {
      address: "上海市静安区愚园路 68 号",
      phone: "021-6321 0003",
      hours: "每天 10:00–23:00",
      category: "drinks",
      latitude: 31.223,
      longitude: 121.444,
      businessName: "上海拾页文化传播有限公司",
      licenceNo: "91310106MA1FL00033",
      contactPhone: "13800138003",
    },
  },
  {
    slug: "fruit-stand",
    name: "街角鲜果",
    owner: "fruit",
    password: "merchant-pass-2026",
    rules: DEFAULT_RULES,
    profile: {
      address: "上海市徐汇区建国西路 8 号",
      phone: "13800138004",
      hours: "每天 07:30–21:30",
      category: "grocery",
      latitude: 31.205,
      longitude: 121.46,
      businessName: "徐汇区街角鲜果店（个体工商户）",
      licenceNo: "92310104MA1FL00044",
      contactPhone: "13800138004",
    },
  },
];

/** Loads the demo data into an empty database. Does nothing when it is already there. */
export async function seedDemo(connectionString: string): Promise<{ seeded: boolean }> {
  const pool = createPool(connectionString, 2);
  const db = drizzle(pool, { schema });
  try {
    const existing = await db
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(eq(schema.users.username, DEMO_USERS.operator.username));
    if (existing.length > 0) return { seeded: false };

    await db.transaction(async (tx) => {
      await tx.execute("select pg_advisory_xact_lock(727275)");
      await createUserWithRole(tx, { ...DEMO_USERS.operator, role: "operator" });
      await createUserWithRole(tx, { ...DEMO_USERS.customer, role: "customer" });
      const guest = await createUserWithRole(tx, { ...DEMO_USERS.guest, role: "customer" });
      const stores = [];
      for (const s of DEMO_STORES) {
        const owner = await createUserWithRole(tx, {
          username: s.owner,
          password: s.password,
          role: "merchant",
          displayName: s.name,
        });
        const store = await createStore(tx, { ownerUserId: owner.id, slug: s.slug, name: s.name, rules: s.rules, approved: true });
        await tx.update(schema.merchants).set(s.profile).where(eq(schema.merchants.id, store.id));
        stores.push(store);
      }
      // The tea house's cashier joins as any cashier does: with an invitation from the owner.
      const cashier = await createUserWithRole(tx, { ...DEMO_USERS.cashier, role: "customer" });
      const invite = await createInvite(tx, { merchantId: stores[0]!.id, ownerUserId: stores[0]!.ownerUserId });
      await acceptInvite(tx, { userId: cashier.id, code: invite.code });
      // A little history at the noodle bar so one queue and pool are not empty. The tea house, the
      // book cafe (manual payouts) and the fruit stand start empty: the browser journeys rely on that.
      const activity: [number, number][] = [
        [1, 8800],
        [1, 12500],
        [1, 4200],
      ];
      for (const [i, [storeIdx, amountFen]] of activity.entries()) {
        const store = stores[storeIdx]!;
        const { order } = await createPendingOrder(tx, {
          customerId: guest.id,
          merchantId: store.id,
          amountFen,
          idempotencyKey: `seed-${i}`,
          provider: "dev",
        });
        const paid = await markOrderPaid(tx, { orderNo: order.orderNo, amountFen: order.cashFen, providerRef: `seed-${i}` });
        if (paid.drainDue) await drainBatch(tx, paid.queueId);
      }
      // The demo people have agreed to the current privacy notice, as a registration records it.
      const people = await tx.select({ id: schema.users.id }).from(schema.users);
      for (const p of people) await recordConsent(tx, p.id);
    });
    return { seeded: true };
  } finally {
    await pool.end();
  }
}
