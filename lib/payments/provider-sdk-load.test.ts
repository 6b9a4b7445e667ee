import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { createAlipayProvider, type AlipayConfig } from "./alipay/provider";
import { generateWechatKeys } from "./wechat/fake-server";
import { createWechatProvider, type WechatConfig } from "./wechat/provider";

// Each provider requires its SDK on first use, so a server with no real provider configured never
// holds them (docs/performance.md, "Memory"), while a malformed key still stops the start, as it
// did when the SDKs were loaded with the module.

const sdkLoaded = vi.hoisted(() => ({ alipay: false, wechat: false }));
vi.mock("alipay-sdk", async (original) => {
  sdkLoaded.alipay = true;
  return original();
});
vi.mock("wechatpay-axios-plugin", async (original) => {
  sdkLoaded.wechat = true;
  return original();
});

const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
/** Alipay's key tool gives the keys as bare base64, no PEM lines. */
const bare = (pem: string) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");

const wechat = (over: Partial<WechatConfig> = {}): WechatConfig => ({
  mchid: "1900000001",
  appid: "wx0000000000000001",
  merchantSerial: "ABC123",
  privateKey,
  apiV3Key: "0123456789abcdef0123456789abcdef",
  platformKeys: new Map([["PUB_KEY_ID_1", publicKey]]),
  baseUrl: "http://127.0.0.1:9",
  notifyUrl: "https://shop.example.com/api/payments/wechat/webhook",
  timeoutMs: 1_000,
  ...over,
});

const alipay = (over: Partial<AlipayConfig> = {}): AlipayConfig => ({
  appId: "2021000000000001",
  privateKey: bare(privateKey),
  alipayPublicKey: bare(publicKey),
  gateway: "http://127.0.0.1:9/gateway.do",
  notifyUrl: "https://shop.example.com/api/payments/alipay/webhook",
  timeoutMs: 1_000,
  ...over,
});

describe("payment SDKs load on first use", () => {
  it("creating either provider loads no SDK; the first call that needs one loads it", async () => {
    const w = createWechatProvider(wechat());
    const a = createAlipayProvider(alipay());
    expect(sdkLoaded).toEqual({ alipay: false, wechat: false });

    const headers = new Headers({ "wechatpay-timestamp": String(Math.floor(Date.now() / 1000)), "wechatpay-nonce": "n", "wechatpay-serial": "PUB_KEY_ID_1", "wechatpay-signature": "AAAA" });
    await expect(w.verifyNotification("{}", headers)).rejects.toThrow("bad notification signature");
    expect(sdkLoaded.wechat).toBe(true);

    await expect(a.verifyNotification("sign=AAAA&app_id=2021000000000001", new Headers())).rejects.toThrow("bad notification sign");
    expect(sdkLoaded.alipay).toBe(true);
  });

  it("a malformed key or certificate still throws when the provider is created", () => {
    expect(() => createWechatProvider(wechat({ privateKey: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----" }))).toThrow();
    expect(() => createWechatProvider(wechat({ platformKeys: new Map([["S", "not a key"]]) }))).toThrow();
    expect(() => createAlipayProvider(alipay({ privateKey: "bm90IGEga2V5" }))).toThrow();
    expect(() => createAlipayProvider(alipay({ alipayPublicKey: "bm90IGEga2V5" }))).toThrow();
    expect(() => createAlipayProvider(alipay({ alipayPublicKey: undefined, certs: { app: "x", alipayPublic: "y", alipayRoot: "z" } }))).toThrow();
  });

  it("PEM and bare base64 keys, PKCS#1 and PKCS#8, are all accepted, as the SDK accepts them", () => {
    const pkcs1 = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    for (const key of [privateKey, bare(privateKey), pkcs1.privateKey, bare(pkcs1.privateKey)]) {
      expect(() => createAlipayProvider(alipay({ privateKey: key }))).not.toThrow();
    }
    expect(() => createAlipayProvider(alipay({ alipayPublicKey: publicKey }))).not.toThrow();
  });

  it("certificate mode: every block of each file is parsed, as Alipay's root file holds several", () => {
    const cert = generateWechatKeys().platformCert;
    const certs = (alipayRoot: string) => alipay({ alipayPublicKey: undefined, certs: { app: cert, alipayPublic: cert, alipayRoot } });
    expect(() => createAlipayProvider(certs(`${cert}\n${cert}`))).not.toThrow();
    expect(() => createAlipayProvider(certs(`${cert}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`))).toThrow();
  });
});
