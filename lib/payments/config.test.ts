import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { buildRegistry, checkoutProviders, isSimulated, notifyingProvider, payerDevice, paymentProvider, providerForDevice } from "@/lib/payments";
import type { PaymentProvider } from "@/lib/payments/provider";

const SECRET_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----";
const V3_KEY = "0123456789abcdef0123456789abcdef";

describe("payment provider settings", () => {
  it("a half-configured WeChat Pay stops the start with one sentence naming what is missing, and no secret", () => {
    let message = "";
    try {
      parseEnv({ WECHATPAY_MCHID: "1900000109", WECHATPAY_PRIVATE_KEY: SECRET_KEY, WECHATPAY_API_V3_KEY: V3_KEY });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("WeChat Pay is half-configured: set WECHATPAY_APPID, WECHATPAY_MERCHANT_SERIAL, WECHATPAY_PLATFORM_CERT or WECHATPAY_PUBLIC_KEY as well, or none of its variables.");
    expect(message).not.toContain("MIIEvQ");
    expect(message).not.toContain(V3_KEY);
  });

  it("a half-configured Alipay is refused too; a malformed value is named, not echoed", () => {
    expect(() => parseEnv({ ALIPAY_APP_ID: "2021000000000001" })).toThrow(/Alipay is half-configured: set ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY or ALIPAY_PUBLIC_CERT/);
    expect(() => parseEnv({ WECHATPAY_API_V3_KEY: "short-secret-value" })).toThrow(/WECHATPAY_API_V3_KEY: exactly 32 characters/);
    expect(() => parseEnv({ WECHATPAY_API_V3_KEY: "short-secret-value" })).not.toThrow(/short-secret-value/);
  });

  it("nothing configured is fine (the simulated dev provider); production with a real provider needs PUBLIC_URL", () => {
    expect(parseEnv({}).WECHATPAY_MCHID).toBeUndefined();
    const wechat = {
      WECHATPAY_MCHID: "1900000109",
      WECHATPAY_APPID: "wxd678efh567hg6787",
      WECHATPAY_MERCHANT_SERIAL: "ABCDEF0123456789",
      WECHATPAY_PRIVATE_KEY: SECRET_KEY,
      WECHATPAY_API_V3_KEY: V3_KEY,
      WECHATPAY_PUBLIC_KEY: "/etc/wechatpay/pub.pem",
      WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0114232134912410000000000000",
    };
    expect(parseEnv(wechat).WECHATPAY_MCHID).toBe("1900000109");
    expect(() => parseEnv({ ...wechat, NODE_ENV: "production" })).toThrow(/PUBLIC_URL: required in production/);
    expect(() => parseEnv({ PAYMENT_DISABLED: "paypal" })).toThrow(/PAYMENT_DISABLED/);
  });

  it("WeChat's browser pays with WeChat Pay, Alipay's with Alipay, any other chooses", () => {
    const both = ["wechat", "alipay"];
    const wx = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c)";
    const ali = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile Safari/537.36 AlipayClient/10.5.86";
    const phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
    const desktop = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";
    expect([wx, ali, phone, desktop].map(payerDevice)).toEqual(["wechat", "alipay", "phone", "desktop"]);
    expect(providerForDevice("wechat", both)).toBe("wechat");
    expect(providerForDevice("alipay", both)).toBe("alipay");
    expect(providerForDevice("phone", both)).toBeNull();
    expect(providerForDevice("desktop", both)).toBeNull();
    // One provider turned off: everyone gets the other.
    expect(providerForDevice("phone", ["alipay"])).toBe("alipay");
    expect(providerForDevice("desktop", ["dev"])).toBe("dev");
  });

  it("the webhook's provider lookup is a Map: inherited property names find nothing", () => {
    for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(() => paymentProvider(id)).toThrow(/unknown payment provider/);
    }
    expect(paymentProvider("dev").simulated).toBe(true);
    expect(isSimulated("wechat")).toBe(false);
    // No real provider configured in the test environment: checkout is the simulated one.
    expect(checkoutProviders()).toEqual(["dev"]);
  });

  it("the dev webhook is open only while no real provider is configured", () => {
    expect(notifyingProvider("dev").id).toBe("dev");
    const real = { id: "wechat", simulated: false } as PaymentProvider;
    const withReal = buildRegistry([real]);
    expect([...withReal.notifying.keys()].sort()).toEqual(["pos", "wechat"]);
    // Still known for closing and reading its old orders.
    expect(withReal.all.get("dev")?.simulated).toBe(true);
  });
});
