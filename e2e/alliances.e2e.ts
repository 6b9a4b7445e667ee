import { expect, test } from "./test";
import { closeDb, scalar } from "./matrix";
import { login, main, openStore, orderAndPay, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

const PASSWORD = "alliance-pass-2026";

const WORDS = {
  "zh-CN": {
    start: "组建联盟…",
    moves: (name: string) => `${name}：1 笔排队（¥50.00）及奖池 ¥6.50 并入联盟`,
    joinTitle: (store: string, name: string) => `把 ${store} 加入「${name}」？`,
    joinEffect: "1 笔排队（¥30.00）按原顺序排到联盟队列末尾，在已排队的 1 笔之后",
    dissolveTitle: (name: string) => `解散「${name}」？`,
    dissolveEffect: (name: string) => `${name}：1 笔排队（¥50.00）按当前顺序回到本店队列，分得奖池 ¥10.40`,
    cancel: "取消",
  },
  en: {
    start: "Form the alliance…",
    moves: (name: string) => `${name}: 1 waiting entry (¥50.00) and its pool ¥6.50 move into the alliance`,
    joinTitle: (store: string, name: string) => `Add ${store} to “${name}”?`,
    joinEffect: "1 waiting entry (¥30.00) moves to the back of the alliance queue, behind the 1 already waiting there",
    dissolveTitle: (name: string) => `Dissolve “${name}”?`,
    dissolveEffect: (name: string) => `${name}: 1 waiting entry (¥50.00) back to its own queue, in their current order, and ¥10.40 of the pool`,
    cancel: "Cancel",
  },
} as const;

test.afterAll(closeDb);

/** The queue a customer's one waiting entry is in, by name. */
const queueOf = (username: string) =>
  scalar<string>(
    `select q.name from queue_entries e join queues q on q.id = e.queue_id join users u on u.id = e.customer_id
     where u.username = $1 and e.status = 'waiting'`,
    [username],
  );

for (const [locale, w] of Object.entries(WORDS) as [keyof typeof WORDS, (typeof WORDS)[keyof typeof WORDS]][]) {
  test(`alliances (${locale}): busy stores form one with their entries and pools, another joins, and dissolving gives each its own queue back`, async ({ browser }) => {
    const ops = await browser.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator");
    const tag = `${locale === "en" ? "en" : "zh"}${Date.now().toString(36)}`;
    const stores = ["a", "b", "c"].map((k) => ({ slug: `al-${k}-${tag}`, name: `联盟${k.toUpperCase()} ${tag.slice(-4)}` }));
    for (const s of stores) await (await openStore(browser, ops, { ...s, owner: `al${tag}`, password: PASSWORD })).close();
    const [a, b, c] = stores as [(typeof stores)[number], (typeof stores)[number], (typeof stores)[number]];

    // Default rates: 13% of each order reaches the pool; ¥50 at A and ¥30 at C wait in their own queues.
    const customers = { a: uniqueUser("ala"), c: uniqueUser("alc") };
    for (const [who, store, yuan] of [["a", a, "50"], ["c", c, "30"]] as const) {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await register(page, customers[who], PASSWORD, `/s/${store.slug}`);
      await orderAndPay(page, store.slug, yuan);
      await page.close();
    }
    await ops.context().addCookies([{ name: "NEXT_LOCALE", value: locale, url: E2E_BASE_URL }]);
    const allianceName = `联盟 ${tag}`;

    await test.step("forming shows what each busy store brings, then moves its entry and pool", async () => {
      await ops.goto("/operator/alliances");
      const form = ops.getByTestId("alliance-form");
      await form.locator('input[name="name"]').fill(allianceName);
      await ops.getByTestId(`member-${a.slug}`).check();
      await ops.getByTestId(`member-${b.slug}`).check();
      await form.getByRole("button", { name: w.start }).click();
      await expect(ops.getByTestId("alliance-confirm-moves")).toContainText(w.moves(a.name));
      await ops.getByTestId("alliance-confirm-button").click();
      await expect(ops.getByTestId("alliance-done")).toContainText(allianceName);
      expect(await queueOf(customers.a)).toBe(allianceName);
    });

    const row = main(ops).locator('tr[data-testid^="alliance-"]').filter({ hasText: allianceName });
    const allianceId = (await row.getAttribute("data-testid"))!.replace("alliance-", "");

    await test.step("adding a busy store asks first, saying its entry goes behind the one waiting", async () => {
      await ops.getByTestId(`join-store-${allianceId}`).selectOption({ label: c.name });
      await ops.getByTestId(`join-${allianceId}`).click();
      const dialog = ops.getByRole("dialog", { name: w.joinTitle(c.name, allianceName) });
      await expect(dialog.getByTestId("join-effect")).toContainText(w.joinEffect);
      await dialog.getByTestId(`join-${allianceId}-confirm`).click();
      await expect(ops.getByTestId("join-done")).toBeVisible();
      expect(await queueOf(customers.c)).toBe(allianceName);
    });

    await test.step("dissolving asks first with each store's entries and pool share; cancelling changes nothing", async () => {
      await ops.goto("/operator/alliances");
      await ops.getByTestId(`dissolve-${allianceId}`).click();
      const dialog = ops.getByRole("dialog", { name: w.dissolveTitle(allianceName) });
      // The pool (6.50 + 3.90) covers part of A's head entry, so all of it goes to A.
      await expect(dialog.getByTestId("dissolve-effect")).toContainText(w.dissolveEffect(a.name));
      await dialog.getByRole("button", { name: w.cancel }).click();
      await expect(dialog).toBeHidden();
      expect(await queueOf(customers.a)).toBe(allianceName);

      await ops.getByTestId(`dissolve-${allianceId}`).click();
      await dialog.getByTestId(`dissolve-${allianceId}-confirm`).click();
      await expect(ops.getByTestId("dissolve-done")).toBeVisible();
      await expect(main(ops).getByTestId(`alliance-${allianceId}`)).toHaveCount(0);
      expect(await queueOf(customers.a)).toBe(a.name);
      expect(await queueOf(customers.c)).toBe(c.name);
      expect(await scalar(`select count(*)::int from audit_log where subject_type = 'alliance' and subject_id = $1`, [allianceId])).toBe(3);
      expect(await scalar(`select coalesce(sum(balance), 0)::int from accounts where kind = 'pool' and queue_id in (select own_queue_id from alliance_members where alliance_id = $1)`, [allianceId])).toBe(1040);
    });
  });
}
