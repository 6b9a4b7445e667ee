import fs from "node:fs";
import { expect, test, type Page } from "./test";
import { login, main, orderAndPay, register, uniqueUser } from "./pages";

const HEADER = [
  "time",
  "payout_id",
  "queue_id",
  "queue_name",
  "entry_id",
  "position",
  "customer_id",
  "customer_name",
  "order_no",
  "amount_fen",
  "amount_yuan",
  "kind",
  "transaction_id",
];

/** A small RFC 4180 reader (CRLF records, quoted fields with doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else if (c === "\n" || c === "\r") throw new Error(`bare line break at ${i}`);
    else field += c;
  }
  if (quoted || field !== "" || row.length > 0) throw new Error("CSV does not end with a complete record");
  return rows;
}

async function csvRowsVia(page: Page): Promise<string[][]> {
  const res = await page.request.get("/api/operator/payouts.csv");
  expect(res.status()).toBe(200);
  return parseCsv((await res.text()).replace(/^\uFEFF/, ""));
}

test.describe.configure({ mode: "serial" });

test("an operator reviews the overview, checks the ledger, reads an account's history, the audit log, and exports payouts", async ({ browser }) => {
  await test.step("some activity at the noodle bar: a ¥300 order adds ¥58.50 to a pool whose head is at most ¥50", async () => {
    const customer = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await register(customer, uniqueUser("opsk"), "journey-pass-2026", "/s/noodle-bar");
    await orderAndPay(customer, "noodle-bar", "300");
    await customer.close();
  });

  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");

  await test.step("the drain after payment runs in the background: wait until its payout is exported", async () => {
    await expect(async () => {
      const rows = await csvRowsVia(ops);
      expect(rows.slice(1).some((r) => r[3] === "老街面馆")).toBe(true);
    }).toPass({ timeout: 15_000 });
  });

  await test.step("the overview shows what needs attention", async () => {
    await expect(main(ops).getByRole("heading", { name: "运营概览" })).toBeVisible();
    for (const id of ["overview-ready", "overview-withdrawals", "overview-applications"]) {
      await expect(ops.getByTestId(`${id}-count`)).toHaveText(/^\d+$/);
    }
    await expect(ops.getByTestId("overview-ledger")).toBeVisible();
    await expect(main(ops).getByRole("link", { name: "去审核" }).first()).toHaveAttribute("href", "/operator/withdrawals");
  });

  await test.step("the trial balance is zero for both assets, and the invariant check finds nothing", async () => {
    await ops.goto("/operator/ledger");
    await expect(ops.getByTestId("trial-CNY-total")).toHaveText("0");
    await expect(ops.getByTestId("trial-PTS-total")).toHaveText("0");
    await ops.getByTestId("run-ledger-check").click();
    await expect(ops.getByTestId("ledger-check-result")).toBeVisible({ timeout: 30_000 });
    for (const id of ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"]) {
      await expect(ops.getByTestId(`invariant-${id}-count`)).toHaveText("0");
    }
    await expect(ops.getByTestId("ledger-check-result").getByRole("status")).toContainText("全部通过");

    // The overview now shows the result of that check.
    await ops.goto("/operator");
    await expect(ops.getByTestId("overview-ledger-status")).toHaveText("全部不变量通过");
  });

  await test.step("an account is found by the store's slug, and its history runs newest first with a running balance", async () => {
    await ops.goto("/operator/ledger");
    await ops.getByTestId("account-search").fill("noodle-bar");
    await main(ops).getByRole("button", { name: "查找" }).click();
    await ops.waitForURL(/q=noodle-bar/);
    const results = ops.getByTestId("account-results");
    await expect(results.locator("tbody tr")).toHaveCount(2);
    await results.locator("tr").filter({ hasText: "免单奖池" }).getByRole("link").click();
    await ops.waitForURL(/\/operator\/ledger\/accounts\/\d+$/);

    await expect(ops.getByTestId("account-details")).toContainText("老街面馆");
    const entries = ops.getByTestId("account-entries").locator("tbody tr");
    expect(await entries.count()).toBeGreaterThanOrEqual(4);
    await expect(ops.getByTestId("account-entries")).toContainText("订单支付");
    await expect(ops.getByTestId("account-entries")).toContainText("排队免单");
    // The newest row's balance after is the account's balance.
    const balance = (await ops.getByTestId("account-balance").innerText()).trim();
    await expect(entries.first().locator("td").nth(4)).toHaveText(balance);
  });

  await test.step("the audit log shows the check, by whom, and filters by action", async () => {
    await ops.goto("/operator/audit?action=ledger.verify");
    const log = ops.getByTestId("audit-log");
    await expect(log.locator("tbody tr").first()).toContainText("账本检查");
    await expect(log.locator("tbody tr").first()).toContainText("平台运营");
    await expect(log).not.toContainText("queue.drain");
  });

  await test.step("the payouts CSV downloads with its header, parses, and holds the noodle bar's payout", async () => {
    await ops.goto("/operator/payouts");
    const [download] = await Promise.all([ops.waitForEvent("download"), ops.getByTestId("payouts-csv").click()]);
    expect(download.suggestedFilename()).toBe("freeline-payouts.csv");
    const text = fs.readFileSync((await download.path())!, "utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual(HEADER);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows.slice(1)) {
      expect(r).toHaveLength(HEADER.length);
      expect(r[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(r[9]).toMatch(/^\d+$/);
      // amount_yuan is amount_fen with the point two places in.
      const fen = r[9]!.padStart(3, "0");
      expect(r[10]).toBe(`${fen.slice(0, -2)}.${fen.slice(-2)}`);
      expect(["fifo", "draw"]).toContain(r[11]);
    }

    // A date filter: nothing paid out before 2000; a bad date is refused.
    const none = await ops.request.get("/api/operator/payouts.csv?to=2000-01-01");
    expect(parseCsv((await none.text()).replace(/^\uFEFF/, ""))).toEqual([HEADER]);
    expect((await ops.request.get("/api/operator/payouts.csv?from=2026-02-30")).status()).toBe(400);
  });

  await ops.close();
});

test("a customer gets 403 on the ledger and the payouts CSV; nobody signed in gets 401 on the CSV", async ({ browser, request }) => {
  expect((await request.get("/api/operator/payouts.csv")).status()).toBe(401);
  const customer = await browser.newPage();
  await login(customer, "demo", "demo-pass-2026");
  const page = await customer.goto("/operator/ledger");
  expect(page?.status()).toBe(403);
  expect((await customer.request.get("/api/operator/payouts.csv")).status()).toBe(403);
  await customer.close();
});

test("an operator's table sorts by a column heading, both ways, and says which way (aria-sort)", async ({ browser }) => {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator/merchants");
  const table = ops.getByTestId("merchant-table");
  const queue = table.getByRole("columnheader", { name: "队列" });
  const store = table.getByRole("columnheader", { name: "店铺" });
  // Each row's queue number, top to bottom (the cell reads "#3 · 自动派发 …").
  const queueIds = async () => (await table.locator("tbody tr td:nth-child(3)").allInnerTexts()).map((t) => Number(/#(\d+)/.exec(t)?.[1]));
  // allInnerTexts does not wait: on a busy machine the table may not be there yet (it read [] once).
  await expect(table.locator("tbody tr").nth(3)).toBeVisible();
  const before = await queueIds();
  const ascending = [...before].sort((a, b) => a - b);
  // The server lists pending applications first, then by name, which is not queue order: the seeded
  // stores opened tea house, noodle bar, book cafe, fruit stand, and their names sort otherwise.
  expect(before).not.toEqual(ascending);
  await expect(queue).toHaveAttribute("aria-sort", "none");

  await queue.getByRole("button").click();
  await expect(queue).toHaveAttribute("aria-sort", "ascending");
  await expect.poll(queueIds).toEqual(ascending);
  await expect(store).toHaveAttribute("aria-sort", "none");

  await queue.getByRole("button").click();
  await expect(queue).toHaveAttribute("aria-sort", "descending");
  await expect.poll(queueIds).toEqual([...ascending].reverse());

  // Another heading takes over, and the first one no longer claims the order.
  await store.getByRole("button").click();
  await expect(store).toHaveAttribute("aria-sort", "ascending");
  await expect(queue).toHaveAttribute("aria-sort", "none");
  await ops.close();
});
