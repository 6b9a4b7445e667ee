import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTemplateIds } from "./index";
import { tencentSmsProvider } from "./tencent/adapter";

/**
 * A fake Tencent Cloud SMS API: it checks each request's TC3-HMAC-SHA256 signature the way the API
 * documents it (签名方法 v3: canonical request, string to sign, the TC3 key chain) with its own
 * code, then answers SendSms like the real one.
 */
const SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

type Seen = { action: string; body: Record<string, unknown>; signatureOk: boolean; problem?: string };
const seen: Seen[] = [];
let nextCode = "Ok";
let server: http.Server;
let port = 0;

const sha256hex = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");
const hmac = (key: string | Buffer, s: string) => createHmac("sha256", key).update(s).digest();

function checkSignature(req: http.IncomingMessage, raw: Buffer): string | null {
  const auth = req.headers.authorization ?? "";
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return `malformed Authorization: ${auth}`;
  const [, id, date, service, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
  if (id !== SECRET_ID) return "unknown SecretId";
  if (service !== "sms") return `service ${service}`;
  const timestamp = Number(req.headers["x-tc-timestamp"]);
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return "date does not match X-TC-Timestamp";
  if (Math.abs(Date.now() / 1000 - timestamp) > 300) return "stale timestamp";
  const host = String(req.headers.host).replace(/:\d+$/, "");
  const headerValue: Record<string, string> = { "content-type": String(req.headers["content-type"]), host };
  const names = signedHeaders.split(";");
  if (!names.includes("host") || !names.includes("content-type")) return "host and content-type must be signed";
  const canonical = [
    req.method,
    "/",
    "",
    names.map((n) => `${n}:${headerValue[n]!.toLowerCase()}\n`).join(""),
    signedHeaders,
    sha256hex(raw),
  ].join("\n");
  const toSign = ["TC3-HMAC-SHA256", String(timestamp), `${date}/${service}/tc3_request`, sha256hex(canonical)].join("\n");
  const key = hmac(hmac(hmac(`TC3${SECRET_KEY}`, date), service), "tc3_request");
  const expected = createHmac("sha256", key).update(toSign).digest("hex");
  return expected === signature ? null : "signature mismatch";
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const problem = checkSignature(req, raw);
      const body = JSON.parse(raw.toString() || "{}") as Record<string, unknown>;
      seen.push({ action: String(req.headers["x-tc-action"]), body, signatureOk: problem === null, ...(problem ? { problem } : {}) });
      res.setHeader("content-type", "application/json");
      if (problem) {
        res.end(JSON.stringify({ Response: { Error: { Code: "AuthFailure.SignatureFailure", Message: problem }, RequestId: "req-1" } }));
        return;
      }
      const phones = body.PhoneNumberSet as string[];
      res.end(
        JSON.stringify({
          Response: {
            SendStatusSet: phones.map((p) => ({ SerialNo: "2640:0001", PhoneNumber: p, Fee: 1, SessionContext: "", Code: nextCode, Message: nextCode === "Ok" ? "send success" : "refused", IsoCode: "CN" })),
            RequestId: "req-2",
          },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The real host name (the SDK derives the signed service from it), resolved to the fake. */
const toFake = new http.Agent({
  lookup: ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) =>
    opts.all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4)) as never,
});

const provider = (secretKey = SECRET_KEY) =>
  tencentSmsProvider({
    secretId: SECRET_ID,
    secretKey,
    sdkAppId: "1400006666",
    signName: "免单排队",
    templates: parseTemplateIds("entry_freed=449739,verify_code=449740"),
    region: "ap-guangzhou",
    endpoint: `sms.tencentcloudapi.com:${port}`,
    protocol: "http://",
    agent: toFake,
    timeoutSeconds: 5,
  });

describe("Tencent Cloud SMS adapter (SendSms 2021-01-11, TC3-HMAC-SHA256)", () => {
  it("sends a template with its values, signed as documented", async () => {
    nextCode = "Ok";
    const r = await provider().send({ phone: "13800138000", template: "entry_freed", params: ["FL123456ABCDEFGH", "38.00"] });
    expect(r).toEqual({ state: "sent", providerRef: "2640:0001" });
    const last = seen.at(-1)!;
    expect(last.problem).toBeUndefined();
    expect(last.action).toBe("SendSms");
    expect(last.body).toMatchObject({
      PhoneNumberSet: ["+8613800138000"],
      SmsSdkAppId: "1400006666",
      SignName: "免单排队",
      TemplateId: "449739",
      TemplateParamSet: ["FL123456ABCDEFGH", "38.00"],
    });
  });

  it("a wrong secret fails the fake's signature check (the check can fail), and is thrown for a retry", async () => {
    await expect(provider("not-the-key").send({ phone: "13800138000", template: "verify_code", params: ["123456", "5"] })).rejects.toThrow(/signature mismatch/);
    expect(seen.at(-1)!.signatureOk).toBe(false);
  });

  it("a final refusal is reported, not retried; a template with no id sends nothing", async () => {
    nextCode = "InvalidParameterValue.IncorrectPhoneNumber";
    expect(await provider().send({ phone: "13800138000", template: "entry_freed", params: ["FL123456ABCDEFGH", "1.00"] })).toMatchObject({ state: "refused" });
    nextCode = "LimitExceeded.PhoneNumberDailyLimit";
    await expect(provider().send({ phone: "13800138000", template: "entry_freed", params: ["FL123456ABCDEFGH", "1.00"] })).rejects.toThrow(/LimitExceeded/);
    const before = seen.length;
    expect(await provider().send({ phone: "13800138000", template: "refund_done", params: [] })).toEqual({ state: "no_template" });
    expect(seen.length).toBe(before);
  });

  it("refuses template names it does not know", () => {
    expect(() => parseTemplateIds("entry_freed=1,nonsense=2")).toThrow(/nonsense/);
  });
});
