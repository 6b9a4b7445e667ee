import { randomInt } from "node:crypto";
import { expect, test, type APIRequestContext, type BrowserContext } from "./test";
import fc from "fast-check";
import { FUZZ_SEED, nastyNumber, nastyString, PROTOTYPE_NAMES, wrongType } from "./fuzz-payloads";
import { actionUrl, closeDb, KNOWN_UNWRAPPED, manifestActions, postAction, SAMPLE_FORMS, serverActions, writeFingerprint } from "./matrix";
import { login, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

// Property-based bad input against every server action (found as e2e/authorization-matrix.e2e.ts
// finds them: the actions files on disk and the build's manifest), called by a caller its access
// allows, so the hostile payload reaches the action's own parsing. Every case gets a clear message
// (`{ ok: false, error }`), never a 500, and nothing is written (the same table fingerprint as the
// matrix). The merchant is the noodle bar's: the other stores stay untouched for other journeys.
test.describe.configure({ mode: "serial" });

const RUNS = 25;
const tried: Record<string, number> = {};

/** Actions that take no input: extra fields are ignored, and calling them would really run them. */
const NO_INPUT: Record<string, string> = {
  runAllPayoutsAction: "no fields: runs every manual payout (e2e/operator-console.e2e.ts)",
  runLedgerCheckAction: "no fields: a read-only ledger check (e2e/operator-console.e2e.ts)",
  markAllReadAction: "no fields: marks the caller's own notifications read (e2e/notifications.e2e.ts)",
  saveNotificationSettingsAction: "every form is valid: a box left out turns that channel off (e2e/notifications.e2e.ts)",
  agreeToNoticeAction: "no fields: records the caller's consent to the current notice (e2e/personal-data.e2e.ts)",
  createStaffInviteAction: "no fields: creates an invitation for the owner's own store (e2e/staff.e2e.ts)",
};

// Every case carries at least one value its action can never accept (the "poison"), so a write
// would be a bug, not valid input that happened to be generated. The other fields get any hostile value.
// Form ids follow the path ids' rule (idParam, lib/http/params.ts): plain decimal digits, so the
// lenient spellings of 1 ("0x1", "0X1", "1e0", "01", " 1", "+1") are poison too.
const isStrictId = (s: string) => /^[1-9]\d{0,15}$/.test(s) && Number.isSafeInteger(Number(s));
const notAnId = fc
  .oneof(
    nastyString,
    fc.integer({ min: -1e9, max: 0 }).map(String),
    fc.constantFrom("9007199254740993", "1e400", "1.5", "-0x1", "0x1", "0X1", "1e0", "01", " 1", "1 ", "+1", "１"),
  )
  .filter((s) => !isStrictId(s));
const notAnAmount = fc.oneof(
  fc.constantFrom("-1", "-0.01", "12.345", "0.001", "NaN", "Infinity", "-Infinity", "1e309", "100000001", "9007199254740993", "0x10", "1,000", "¥-5", "<script>alert(1)</script>"),
  nastyNumber.map(String).filter((s) => !/^\d+(\.\d{1,2})?$/.test(s) || Number(s) > 1e8),
);
const tooLong = fc.constantFrom("a".repeat(300), "长".repeat(5000), "<script>alert(1)</script>".repeat(20));
const POISON: [RegExp, fc.Arbitrary<string>][] = [
  [/Id$|^id$|^members$/, notAnId],
  [/^(amount|delta|rebateBps|expectedPoints)$/, notAnAmount],
  [/^(name|reason|address|hours|businessName)$/, tooLong],
  [/^(latitude|longitude)$/, fc.constantFrom("abc", "1e3", "999", "-181", "31.2.3", "NaN", "<script>", "９０")],
  [/^category$/, fc.constantFrom("casino", "DRINKS", "<b>drinks</b>", "drinks\u0000", ...PROTOTYPE_NAMES)],
  [/^licenceNo$/, fc.constantFrom("123", "<script>", "9131000MA1FL00001", "91310000MA1FL0000I", "' OR 1=1 --", "x".repeat(40))],
  [/^slug$/, fc.constantFrom("<script>", "' OR 1=1 --", "Tea House", "a", "长长长", "../etc", "x".repeat(100))],
  // The store's new-order ring: only "on" or "off".
  [/^ring$/, fc.constantFrom("", "ON", "yes", "true", "1", "<b>on</b>", "on\u0000", ...PROTOTYPE_NAMES)],
  [/^(decision|payoutMode)$/, fc.constantFrom("approve; drop table", "AUTO", "", "<b>manual</b>", "approve\u0000", ...PROTOTYPE_NAMES)],
  [/^orderNo$/, nastyString.filter((s) => !/^FL\d{6}[2-9A-Z]{8}$/.test(s))],
  // Not an invitation code's shape (12 of the unambiguous letters and digits).
  [/^code$/, fc.constantFrom("", "ABCD", "ABCD-EFGH-JKM0", "<script>alert(1)</script>", "' OR 1=1 --", "x".repeat(40), "ABCDEFGHJKMN\u0000")],
  [/^requestKey$/, fc.constantFrom("", "short", "has space and more", "' OR 1=1 --", "x".repeat(65), "matrix-0001-abcd\u0000")],
  [/^identifier$/, fc.constantFrom("", " ", "ab", "中文名字", "<script>", "' or 1=1 --", "12345678901", "demo\u0000", "de\u0000mo")],
  [/^password$/, fc.constantFrom("", "x".repeat(129), "not-the-password", "' OR '1'='1")],
  // Not a mainland mobile number (a valid one would send a code: a write).
  [/^phone$/, fc.constantFrom("", "12345", "23900000000", "1390000000", "139000000001", "<script>", "' OR 1=1 --")],
  // Neither a real name nor an Alipay logon id (phone or email).
  [/^(realName|alipayAccount)$/, fc.constantFrom("", "<script>", "' OR 1=1 --", "x".repeat(101), "张三1", "12")],
  // Not a push service's https address.
  [/^endpoint$/, fc.constantFrom("", "javascript:alert(1)", "ftp://push.example/x", "not a url", "x".repeat(1001))],
  // A day that does not exist or has not ended; a provider the platform does not reconcile.
  [/^(day|provider)$/, fc.constantFrom("", "2026-02-30", "2026-13-01", "9999-12-31", "tomorrow", "DEV", "dev; drop table", "<b>dev</b>", "x".repeat(40), ...PROTOTYPE_NAMES)],
];
const anyHostile = fc.oneof(nastyString, wrongType.map((v) => JSON.stringify(v) ?? "undefined"), nastyNumber.map(String));

/** A hostile form for an action: one poisoned field, the rest hostile or missing, plus extra fields. */
function hostileForm(fields: string[]): fc.Arbitrary<Record<string, string>> {
  const poisonable = fields.filter((f) => POISON.some(([re]) => re.test(f)));
  return fc
    .record({
      poison: fc.constantFrom(...poisonable),
      values: fc.tuple(...fields.map(() => fc.option(anyHostile, { nil: undefined, freq: 4 }))),
      extra: fc.dictionary(fc.constantFrom("userId", "customerId", "merchantId", "role", "$ACTION_ID_x", "amount_fen", ...PROTOTYPE_NAMES), anyHostile, { maxKeys: 3 }),
    })
    .chain(({ poison, values, extra }) =>
      POISON.find(([re]) => re.test(poison))![1].map((bad) => {
        const form: Record<string, string> = { ...extra };
        fields.forEach((f, i) => {
          if (values[i] !== undefined) form[f] = values[i]!;
        });
        form[poison] = bad;
        // A registration whose confirmation matches would be a valid sign-up if the rest happened to be.
        if ("confirm" in form || fields.includes("confirm")) form.confirm = `${form.password ?? ""}-mismatch`;
        return form;
      }),
    );
}

const state: { ctx: Partial<Record<"customer" | "merchant" | "operator" | "anonymous", BrowserContext>> } = { ctx: {} };

test.afterAll(async () => {
  for (const c of Object.values(state.ctx)) await c?.close();
  await closeDb();
  const total = Object.values(tried).reduce((a, b) => a + b, 0);
  console.log(`[fuzz actions] seed ${FUZZ_SEED}; ${total} hostile server-action calls: ${JSON.stringify(tried)}`);
});

test("callers sign in (a fresh customer, the noodle bar's merchant, the operator)", async ({ browser }) => {
  for (const k of ["customer", "merchant", "operator", "anonymous"] as const) state.ctx[k] = await browser.newContext({ baseURL: E2E_BASE_URL });
  const c = await state.ctx.customer!.newPage();
  await register(c, uniqueUser("fza"), "fuzz-actions-pass-2026", "/me");
  const m = await state.ctx.merchant!.newPage();
  await login(m, "noodle", "merchant-pass-2026", "/merchant/queue");
  const o = await state.ctx.operator!.newPage();
  await login(o, "ops", "operator-pass-2026", "/operator/payouts");
});

function callerFor(access: string | null): keyof typeof state.ctx {
  if (access === "operator") return "operator";
  if (access === "merchant" || access === "store") return "merchant";
  if (access === "public") return "anonymous";
  return "customer"; // "any" and the customer area
}

test("every server action: hostile payloads get a clear message, never a 500, and write nothing", async () => {
  test.setTimeout(600_000);
  const declared = new Map(serverActions().map((a) => [`${a.file}#${a.name}`, a.access]));
  const before = await writeFingerprint();
  const fuzzed: string[] = [];
  for (const a of manifestActions()) {
    const where = `${a.file}#${a.name}`;
    if (KNOWN_UNWRAPPED[where] || NO_INPUT[a.name]) continue;
    const fields = Object.keys(SAMPLE_FORMS[a.name] ?? {});
    const formFields = a.name === "login" ? ["identifier", "password"] : a.name === "register" ? ["identifier", "password", "confirm", "displayName"] : fields;
    expect(formFields.some((f) => POISON.some(([re]) => re.test(f))), `${where}: no field with a known-invalid value; extend POISON`).toBe(true);
    const req: APIRequestContext = state.ctx[callerFor(declared.get(where) ?? null)]!.request;
    const url = actionUrl(a.workers);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostileForm(formFields), async (form) => {
        n++;
        // Each call from an address of its own (the e2e server trusts X-Forwarded-For, as behind one
        // proxy): wrong logins must not fill the address bucket the other journeys share.
        const headers = { origin: E2E_BASE_URL, "x-forwarded-for": `198.51.100.${randomInt(1, 255)}` };
        const { status, body } = await postAction(req, a.id, url, form, headers);
        const what = `${where} ${JSON.stringify(form).slice(0, 300)} → ${status}: ${body.slice(0, 300)}`;
        expect(status, what).toBeLessThan(500);
        expect(body, what).toContain('"ok":false');
        const error = /"error":"((?:[^"\\]|\\.)*)"/.exec(body)?.[1];
        expect(error?.trim().length ?? 0, `${what}: a message`).toBeGreaterThan(0);
        expect(body, `${what}: no internal error`).not.toMatch(/操作失败，请稍后再试|That did not work/);
      }),
      { numRuns: RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
    tried[a.name] = n;
    fuzzed.push(a.name);
  }
  expect(fuzzed.length).toBeGreaterThan(15);
  expect(await writeFingerprint(), "hostile action calls wrote nothing").toEqual(before);
});

