import { AlipayFake } from "@/lib/payments/alipay/fake-server";
import { createAlipayProvider, type AlipayConfig } from "@/lib/payments/alipay/provider";
import type { PaymentProvider } from "@/lib/payments/provider";
import { WechatFake } from "@/lib/payments/wechat/fake-server";
import { createWechatProvider, type WechatConfig } from "@/lib/payments/wechat/provider";

// The real providers (through their SDKs) configured against a running local fake with the keys it
// generated, as a deployment configures them against the real service. Tests override what they
// test (a short timeout, another transfer scene).

/** WeChat Pay API v3 against `fake`, trusting the fake's platform certificate. */
export function wechatProviderFor(fake: WechatFake, overrides: Partial<WechatConfig> = {}): PaymentProvider {
  return createWechatProvider({
    mchid: fake.keys.mchid,
    appid: fake.keys.appid,
    merchantSerial: fake.keys.merchantSerial,
    privateKey: fake.keys.merchantPrivateKey,
    apiV3Key: fake.keys.apiV3Key,
    platformKeys: new Map([[fake.keys.platformSerial, fake.keys.platformCert]]),
    baseUrl: fake.url,
    notifyUrl: "https://shop.example.com/api/payments/wechat/webhook",
    timeoutMs: 2_000,
    ...overrides,
  });
}

/** Alipay against `fake`, verifying with the fake's public key. */
export function alipayProviderFor(fake: AlipayFake, overrides: Partial<AlipayConfig> = {}): PaymentProvider {
  return createAlipayProvider({
    appId: fake.keys.appId,
    privateKey: fake.keys.appPrivateKey,
    alipayPublicKey: fake.keys.alipayPublicKey,
    gateway: fake.url,
    notifyUrl: "https://shop.example.com/api/payments/alipay/webhook",
    timeoutMs: 2_000,
    ...overrides,
  });
}

/** Both fakes started, and both real providers configured against them (WeChat with a transfer scene). */
export async function startBothFakes(): Promise<{ wechatFake: WechatFake; alipayFake: AlipayFake; wechat: PaymentProvider; alipay: PaymentProvider; stop(): Promise<void> }> {
  const [wechatFake, alipayFake] = await Promise.all([new WechatFake().start(), new AlipayFake().start()]);
  return {
    wechatFake,
    alipayFake,
    wechat: wechatProviderFor(wechatFake, { transferSceneId: "1000" }),
    alipay: alipayProviderFor(alipayFake),
    stop: async () => {
      await Promise.all([wechatFake.stop(), alipayFake.stop()]);
    },
  };
}
