import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import pg from "pg";

// Discovery for the authorization matrix (authorization-matrix.e2e.ts): every route handler and every
// server action is found in the code on disk and in the build under test, so a new one cannot be
// forgotten. Paths are relative to the project root (Playwright runs there).

const ROOT = process.cwd();
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof HTTP_METHODS)[number];

function walk(dir: string, file: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, file, out);
    else if (e.name === file) out.push(path.relative(ROOT, p).split(path.sep).join("/"));
  }
  return out;
}

/** The HTTP methods a route module exports: `export const GET`, `export async function GET`, `export { x as GET }`. */
export function exportedMethods(source: string): Method[] {
  const found = new Set<Method>();
  for (const m of source.matchAll(/export\s+(?:const|let|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)) {
    found.add(m[1] as Method);
  }
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name && (HTTP_METHODS as readonly string[]).includes(name)) found.add(name as Method);
      if (name === "HEAD" || name === "OPTIONS") found.add(name as Method);
    }
  }
  return [...found].sort();
}

/** Every app/api/**\/route.ts, as its URL pattern (e.g. "/api/queues/[id]/drain") and its methods. */
export function routeHandlers(): { route: string; file: string; methods: Method[] }[] {
  return walk(path.join(ROOT, "app", "api"), "route.ts")
    .map((file) => {
      const route = "/" + file.replace(/^app\//, "").replace(/\/route\.ts$/, "").split("/").filter((s) => !/^\(.*\)$/.test(s)).join("/");
      return { route, file, methods: exportedMethods(fs.readFileSync(path.join(ROOT, file), "utf8")) };
    })
    .sort((a, b) => a.route.localeCompare(b.route));
}

/** Splits a call's argument list at top-level commas (strings, brackets and braces respected). */
function topLevelArgs(src: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let cur = "";
  let quote: string | null = null;
  for (let i = open + 1; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      cur += c;
      if (c === "\\") cur += src[++i] ?? "";
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      quote = c;
      cur += c;
      continue;
    }
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) {
      if (depth === 0) {
        args.push(cur.trim());
        return args;
      }
      depth--;
    }
    if (c === "," && depth === 0) {
      args.push(cur.trim());
      cur = "";
      // Only the first two arguments matter (schema, access): stop before the function body.
      if (args.length === 2) return args;
      continue;
    }
    cur += c;
  }
  return args;
}

export type ActionExport = {
  file: string;
  name: string;
  /** The wrapper that builds it ("validatedAction"), or null when it is a bare function or something else. */
  wrapper: string | null;
  /** The access argument as written, normalised: "operator", "any", "public", or "merchant|operator" for arrays. */
  access: string | null;
};

/** Every value export of every app/**\/actions.ts, with its wrapper and access argument. */
export function serverActions(): ActionExport[] {
  const out: ActionExport[] = [];
  for (const file of walk(path.join(ROOT, "app"), "actions.ts").sort()) {
    const src = fs.readFileSync(path.join(ROOT, file), "utf8");
    for (const m of src.matchAll(/export\s+(async\s+function|function|const|let|var|class)\s+([A-Za-z0-9_$]+)/g)) {
      const name = m[2]!;
      let wrapper: string | null = null;
      let access: string | null = null;
      if (m[1] === "const" || m[1] === "let" || m[1] === "var") {
        const after = src.slice(m.index! + m[0].length);
        const call = /^\s*(?::[^=]+)?=\s*([A-Za-z0-9_$]+)\s*(?:<[^(]*>)?\s*\(/.exec(after);
        if (call) {
          wrapper = call[1]!;
          const args = topLevelArgs(src, m.index! + m[0].length + call[0].length - 1);
          const raw = args[1] ?? "";
          const strings = [...raw.matchAll(/["']([a-z-]+)["']/g)].map((s) => s[1]!);
          access = strings.length > 0 && /^(\[.*\]|["'][a-z-]+["'])(\s+as\s+const)?$/s.test(raw) ? strings.sort().join("|") : null;
        }
      }
      out.push({ file, name, wrapper, access });
    }
    // `export { a, b as c }` re-exports are server actions too.
    for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) {
      for (const part of m[1]!.split(",")) {
        const name = part.trim().split(/\s+as\s+/).pop()?.trim();
        if (name && !name.startsWith("type ")) out.push({ file, name, wrapper: null, access: null });
      }
    }
  }
  return out;
}

export type ManifestAction = { id: string; file: string; name: string; workers: string[] };

/** The server actions of the build under test, from .next/server/server-reference-manifest.json. */
export function manifestActions(): ManifestAction[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }>;
  };
  return Object.entries(manifest.node).map(([id, v]) => ({
    id,
    file: v.filename ?? "?",
    name: v.exportedName ?? "?",
    workers: Object.keys(v.workers),
  }));
}

/** The URL of a page worker ("app/(customer)/me/page" → "/me"); null when it has dynamic segments. */
export function workerUrl(worker: string): string | null {
  const segs = worker.replace(/^app\//, "").replace(/\/?page$/, "").split("/").filter((s) => s !== "" && !/^\(.*\)$/.test(s));
  if (segs.some((s) => s.startsWith("[") || s.startsWith("_"))) return null;
  return "/" + segs.join("/");
}

/** A public page that imports the action (so the request reaches it without a login redirect), else "/". */
export function actionUrl(workers: string[]): string {
  const urls = workers.map(workerUrl).filter((u): u is string => u !== null);
  return urls.find((u) => !/^\/(me|orders|merchant|operator)(\/|$)/.test(u)) ?? "/";
}

let pool: pg.Pool | null = null;
export function db(): pg.Pool {
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is not set (npm test passes it to Playwright)");
  pool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  return pool;
}
export async function closeDb(): Promise<void> {
  await pool?.end();
  pool = null;
}

export async function scalar<T = string>(sql: string, params: unknown[] = []): Promise<T> {
  const r = await db().query(sql, params);
  return Object.values(r.rows[0] ?? {})[0] as T;
}

/** Row counts (and states) of every table an action could write: compared before and after refused calls. */
export async function writeFingerprint(): Promise<Record<string, string>> {
  const q: Record<string, string> = {
    audit_log: "select count(*) from audit_log",
    ledger_entries: "select count(*) from ledger_entries",
    ledger_transactions: "select count(*) from ledger_transactions",
    orders: "select count(*) || ':' || count(*) filter (where status = 'paid') from orders",
    queue_entries: "select count(*) || ':' || count(*) filter (where status = 'waiting') from queue_entries",
    api_keys: "select count(*) || ':' || count(*) filter (where revoked_at is null) from api_keys",
    withdrawals: "select count(*) || ':' || coalesce(string_agg(status::text, ',' order by id), '') from withdrawals",
    merchants: "select count(*) || ':' || coalesce(string_agg(status::text, ',' order by id), '') from merchants",
    alliances: "select count(*) || ':' || count(*) filter (where dissolved_at is null) from alliances",
    alliance_members: "select count(*) from alliance_members",
    rule_versions: "select count(*) from rule_versions",
    payouts: "select count(*) from payouts",
    draws: "select count(*) from draws",
    payment_refunds: "select count(*) from payment_refunds",
    payout_accounts: "select count(*) from payout_accounts",
    users: "select count(*) from users",
    store_photos: "select count(*) from store_photos",
    profiles: "select md5(coalesce(string_agg(concat_ws('|', id, address, phone, hours, category, latitude, longitude, suspended_at, ring_new_orders), ',' order by id), '')) from merchants",
    staff_invites: "select count(*) || ':' || count(*) filter (where accepted_at is null and revoked_at is null) from staff_invites",
    merchant_staff: "select count(*) || ':' || count(*) filter (where revoked_at is null) from merchant_staff",
  };
  const out: Record<string, string> = {};
  for (const [k, sql] of Object.entries(q)) out[k] = String(await scalar(sql));
  return out;
}

/** Exports of actions files that are not built by validatedAction, and why that is fine. */
export const KNOWN_UNWRAPPED: Record<string, string> = {
  "app/(auth)/actions.ts#logout": "ends the caller's own session; no input, no data",
  "app/actions.ts#setTheme": "sets the caller's own theme cookie (an unknown value changes nothing); no data",
  "app/actions.ts#setLocale": "sets the caller's own language cookie (an unknown value changes nothing); no data (e2e/i18n.e2e.ts)",
};

/** Plausible forms for each action, sent by actors who must be refused (access is checked before parsing). */
export const SAMPLE_FORMS: Record<string, Record<string, string>> = {
  runQueuePayoutAction: { queueId: "2" },
  runAllPayoutsAction: {},
  formAllianceAction: { name: "矩阵联盟", payoutMode: "auto", members: "2" },
  dissolveAllianceAction: { allianceId: "1" },
  joinAllianceAction: { allianceId: "1", merchantId: "2" },
  runDrawAction: { queueId: "2", reason: "matrix" },
  runLedgerCheckAction: {},
  reviewApplicationAction: { merchantId: "1", decision: "reject", reason: "matrix" },
  operatorRefundAction: { orderId: "1", reason: "matrix" },
  retryRefundAction: { orderId: "1" },
  retryJobAction: { jobId: "1" },
  rerunDayAction: { provider: "dev", day: "2025-01-02" },
  adjustPointsAction: { userId: "2", delta: "1000", reason: "matrix", requestKey: "matrix-0001-abcd" },
  approveWithdrawalAction: { withdrawalId: "1" },
  rejectWithdrawalAction: { withdrawalId: "1", reason: "matrix" },
  createApiKeyAction: { name: "矩阵密钥" },
  revokeApiKeyAction: { keyId: "1" },
  merchantRefundAction: { orderId: "1", reason: "matrix" },
  checkRefundAction: { orderId: "1" },
  changeRulesAction: { rebateBps: "3000" },
  createOrderAction: { slug: "noodle-bar", amount: "10" },
  confirmPaymentAction: { orderNo: "FL261125ABCDEFGH" },
  startPaymentAction: { orderNo: "FL261125ABCDEFGH", provider: "wechat" },
  cancelOrderAction: { orderNo: "FL261125ABCDEFGH" },
  applyForStoreAction: {
    name: "矩阵小店",
    slug: "matrix-shop",
    businessName: "矩阵餐饮有限公司",
    licenceNo: "91310000MA1FL00099",
    contactPhone: "13800000000",
    address: "矩阵路 1 号",
  },
  updateProfileAction: { address: "矩阵路 1 号", storePhone: "021-0000 0000", hours: "10:00–22:00", category: "drinks", latitude: "31.2", longitude: "121.4" },
  suspendStoreAction: { merchantId: "1", reason: "matrix" },
  reinstateStoreAction: { merchantId: "1", reason: "matrix" },
  quoteExitAction: { entryId: "1" },
  leaveQueueAction: { entryId: "1", expectedPoints: "0" },
  requestWithdrawalAction: { amount: "1", payoutAccountId: "1", password: "x" },
  bindAlipayAction: { realName: "矩阵", alipayAccount: "13800000000" },
  changePasswordAction: { password: "x", newPassword: "matrix new pass 2026", confirm: "matrix new pass 2026" },
  markReadAction: { id: "1" },
  markAllReadAction: {},
  saveNotificationSettingsAction: { "entry_freed.push": "on" },
  savePushSubscriptionAction: { endpoint: "https://push.example/matrix", p256dh: "B".repeat(87), auth: "a".repeat(22) },
  deletePushSubscriptionAction: { endpoint: "https://push.example/matrix" },
  sendRegisterCodeAction: { phone: "13900000001" },
  sendResetCodeAction: { phone: "13900000002" },
  resetPasswordAction: { phone: "13900000002", code: "000000", password: "matrix new pass 2026", confirm: "matrix new pass 2026" },
  login: {},
  register: {},
  agreeToNoticeAction: {},
  deleteAccountAction: { password: "x", forfeit: "on" },
  closeStoreAction: { slug: "matrix-shop" },
  createStaffInviteAction: {},
  revokeStaffAction: { staffId: "1" },
  setNewOrderRingAction: { ring: "on" },
  withdrawStaffInviteAction: { inviteId: "1" },
  recordTillOrderAction: { customer: "demo", amount: "10", requestKey: "matrix-0001-abcd" },
  acceptStaffInviteAction: { code: "ABCD-EFGH-JKMN" },
};

/**
 * Posts a server action the way React does: the Next-Action header, and the reply encoding of its
 * arguments [prevState, FormData]: the FormData's fields as "_1_<name>", then the root "0" referring
 * to it as "$K1" (fields first: the server resolves the root as soon as it arrives). A FormData, not
 * an object: an object would list the integer-like key "0" first.
 */
export async function postAction(
  req: APIRequestContext,
  id: string,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const multipart = new FormData();
  for (const [k, v] of Object.entries(form)) multipart.append(`_1_${k}`, v);
  multipart.append("0", JSON.stringify([null, "$K1"]));
  const res = await req.post(url, { headers: { ...headers, "next-action": id, accept: "text/x-component" }, multipart, maxRedirects: 0 });
  return { status: res.status(), body: await res.text(), headers: res.headers() };
}
