// The browser checkout: the server action that places an order and answers its pay step (drawn in
// place on the store page), and the provider's webhook that pays it; then each alone, and the pay
// page a customer opens when coming back to an unpaid order.
//
// Sessions: seeded customers cannot log in (no password); the bench mints each one's Auth.js session
// cookie with next-auth's own `encode` and the AUTH_SECRET it hands the server. That is exactly the
// cookie a login would set, without 10,000 argon2 hashes.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { signDevWebhook, SIGNATURE_HEADER } from "@/lib/payments/dev";
import { multipart, OUT_OF_WORK, request, runLoad } from "./load";
import { log } from "./log";
import { meteredPhase, metered, pick, show, showCost, type Bench } from "./measure";
import type { OrderPhase } from "./orders";
import { ORDER_FEN } from "./reference";

/** The id this build gave createOrderAction: what a browser sends as `Next-Action`. */
export function createOrderActionId(root: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const actionId = Object.entries(manifest.node).find(
    ([, v]) => v.filename === "app/(customer)/actions.ts" && v.exportedName === "createOrderAction",
  )?.[0];
  if (!actionId) throw new Error("createOrderAction not found in .next/server/server-reference-manifest.json");
  return actionId;
}

/** An order the action placed, and the store page it was placed from. */
export type Placed = { orderNo: string; slug: string };

/**
 * The Next-Router-State-Tree header of a browser on a store page: the router sends it with the
 * action and with the pay page's fetch, and the server then renders only the segments below the
 * layouts the two pages share (the root layout is not rendered again). Its shape is what Next
 * 16.4's router sent from Chromium on /s/noodle-bar (captured 2026-12-07).
 */
function storePageTree(slug: string): string {
  const page = ["__PAGE__", {}, null, null, 0];
  const slugSegment = [["slug", slug, "d", null], { children: page }, null, null, 0];
  const tree = ["", { children: ["(customer)", { children: ["s", { children: slugSegment }, null, null, 0] }, null, null, 0] }, null, null, 16];
  return encodeURIComponent(JSON.stringify(tree));
}

/** Signed-in customers and the checkout's requests, each on its own so the steps can be measured apart. */
export type CheckoutClient = {
  cookies: string[];
  placeOrder: (cookie: string) => Promise<Placed>;
  payPage: (order: Placed, cookie: string) => Promise<void>;
  notifyPaid: (orderNo: string) => Promise<void>;
  /** How many pay page fetches Next answered with its `_rsc` 307: one per store, when all is well. */
  rscRedirects: () => number;
};

export async function checkoutClient(b: Bench, actionId: string, authSecret: string): Promise<CheckoutClient> {
  const base = b.base;
  const origin = base.origin;
  const sessionCustomers = b.customers.slice(0, Math.min(b.customers.length, 2_000));
  const cookies = await Promise.all(
    sessionCustomers.map(async (c) => {
      const jwt = await encode({
        token: { sub: String(c.id), uid: c.id, role: "customer", name: c.username },
        secret: authSecret,
        salt: "authjs.session-token",
      });
      return `authjs.session-token=${jwt}`;
    }),
  );
  const placeOrder = async (cookie: string): Promise<Placed> => {
    const store = pick(b.stores);
    // React 19's encodeReply of (prevState = null, formData): the form's fields under "_1_", then
    // the root "0" last (the server reads the referenced fields in order; a JS object would put "0" first).
    const form = multipart([
      ["_1_slug", store.slug],
      ["_1_amount", (ORDER_FEN / 100).toFixed(2)],
      ["_1_points", ""],
      ["_1_idempotencyKey", randomUUID()],
      ["0", '[null,"$K1"]'],
    ]);
    const a = await request(base, "POST", `/s/${store.slug}`, {
      "next-action": actionId,
      "next-router-state-tree": storePageTree(store.slug),
      accept: "text/x-component",
      origin,
      cookie,
      "content-type": form.contentType,
    }, form.body);
    // The action answers { ok, orderNo, due, step }; with the simulated provider the step is its
    // confirm button, which the form draws in place (a real provider's is its page, QR code or
    // JSAPI sheet). Either way the browser fetches no page of the app before paying.
    const m = /"orderNo":"(FL\w+)"/.exec(a.body);
    if (!m || !a.body.includes('"step":{"simulated":true}')) {
      throw new Error(`action ${a.status}: no pay step in place in the answer: ${a.body.slice(0, 200)}`);
    }
    return { orderNo: m[1]!, slug: store.slug };
  };
  // The pay page as the browser's router fetches it from the store page (the link of an order
  // placed there): an RSC payload of the segments below the layouts the two pages share. Not part
  // of the checkout since the pay step is drawn in place; measured as a step of its own.
  // Next answers an RSC request without its cache-busting `_rsc` parameter with a 307 to the address
  // that has it. The browser's router computes the parameter itself (a hash of the router headers
  // above, so one value per store page) and never gets that 307; the bench learns each store's value
  // from its first 307 and then sends it, as the browser does.
  const rscParam = new Map<string, string>();
  let rscRedirects = 0;
  const payPage = async ({ orderNo, slug }: Placed, cookie: string): Promise<void> => {
    const headers = { rsc: "1", "next-router-state-tree": storePageTree(slug), "next-url": `/s/${slug}`, cookie };
    const known = rscParam.get(slug);
    let p = await request(base, "GET", `/pay/${orderNo}${known ? `?_rsc=${known}` : ""}`, headers);
    const to = new URL(String(p.headers.location ?? "/"), origin);
    const learnt = to.searchParams.get("_rsc");
    if (p.status === 307 && learnt && to.pathname === `/pay/${orderNo}`) {
      rscParam.set(slug, learnt);
      rscRedirects++;
      p = await request(base, "GET", `${to.pathname}${to.search}`, headers);
    }
    if (p.status !== 200) throw new Error(`pay page ${p.status} ${String(p.headers.location ?? "")}: ${p.body.slice(0, 200)}`);
  };
  // The provider's signed notification, as the dev provider sends it.
  const notifyPaid = async (orderNo: string): Promise<void> => {
    const event = JSON.stringify({
      type: "payment.succeeded",
      eventId: randomUUID(),
      orderNo,
      amountFen: ORDER_FEN,
      providerRef: `bench_${randomUUID().slice(0, 8)}`,
    });
    const w = await request(base, "POST", "/api/payments/dev/webhook", {
      "content-type": "application/json",
      [SIGNATURE_HEADER]: signDevWebhook(event),
    }, event);
    if (w.status !== 200) throw new Error(`webhook ${w.status}: ${w.body.slice(0, 200)}`);
  };
  return { cookies, placeOrder, payPage, notifyPaid, rscRedirects: () => rscRedirects };
}

/** One order = the two requests, as a browser and the provider make them. */
export async function browserCheckout(b: Bench, s: CheckoutClient): Promise<OrderPhase> {
  return meteredPhase(b, "action", { run: "app, browser checkout (server action + webhook), 100 stores", cost: "browser checkout" }, async () => {
    const order = await s.placeOrder(pick(s.cookies));
    await s.notifyPaid(order.orderNo);
  });
}

/**
 * Where a checkout's cost goes: each of its requests alone, same load, its own window (orders
 * placed by the first are paged and paid by the next two), and the pay page a customer opens when
 * coming back to an unpaid order, which is no longer one of them.
 */
export async function checkoutSteps(b: Bench, s: CheckoutClient): Promise<void> {
  if (!b.want("steps")) return;
  const stepS = Math.max(2, Math.round(b.sizes.loadS / 3));
  const placed: { order: Placed; cookie: string }[] = [];
  const stepLoad = async (name: string, op: () => Promise<void | typeof OUT_OF_WORK>) => {
    const m = metered(b.clock, b.raw, b.serverCpu);
    const r = await runLoad({ concurrency: b.concurrency, seconds: stepS, warmupSeconds: 1, hooks: m.hooks }, op);
    show(`checkout step alone: ${name}`, r);
    showCost(name, m.cost(r));
  };
  await stepLoad("server action (order placed, pending)", async () => {
    const cookie = pick(s.cookies);
    placed.push({ order: await s.placeOrder(cookie), cookie });
  });
  if (placed.length === 0) throw new Error("steps: the server action placed no order");
  // A pending order's pay page can be shown again: cycle if this step outruns the first.
  let j = 0;
  await stepLoad("pay page (RSC, coming back; not in the checkout)", async () => {
    const o = placed[j++ % placed.length]!;
    await s.payPage(o.order, o.cookie);
  });
  log(`  pay page fetches answered with Next's _rsc 307: ${s.rscRedirects()} (the first for each store)`);
  // Each order is paid once; more would be a second payment, which is returned (another path).
  // The webhook is the cheapest step, so it can pay every placed order before its window ends:
  // the window then ends there.
  let k = 0;
  await stepLoad("payment webhook", async () => {
    const o = placed[k++];
    if (!o) return OUT_OF_WORK;
    await s.notifyPaid(o.order.orderNo);
  });
}
