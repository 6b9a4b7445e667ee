import "server-only";
import { env, publicUrl } from "@/lib/env";
import { pemBlocks, pemOrFile } from "./pem";
import type { AlipayConfig } from "./alipay/provider";
import { certificateSerial, type WechatConfig } from "./wechat/provider";

/** The URL a provider posts its notifications to. */
export function notifyUrl(providerId: string): string {
  return `${publicUrl()}/api/payments/${providerId}/webhook`;
}

/** WeChat Pay's configuration from the environment, or null when it is not configured. */
export function wechatConfigFromEnv(): WechatConfig | null {
  // lib/env.ts has refused a half-configured provider already: one variable stands for all.
  if (!env.WECHATPAY_MCHID) return null;
  const platformKeys = new Map<string, string>();
  if (env.WECHATPAY_PLATFORM_CERT) {
    const certs = pemBlocks(pemOrFile("WECHATPAY_PLATFORM_CERT", env.WECHATPAY_PLATFORM_CERT), "CERTIFICATE");
    if (certs.length === 0) throw new Error("WECHATPAY_PLATFORM_CERT holds no certificate.");
    for (const pem of certs) platformKeys.set(certificateSerial(pem), pem);
  }
  if (env.WECHATPAY_PUBLIC_KEY && env.WECHATPAY_PUBLIC_KEY_ID) {
    platformKeys.set(env.WECHATPAY_PUBLIC_KEY_ID, pemOrFile("WECHATPAY_PUBLIC_KEY", env.WECHATPAY_PUBLIC_KEY));
  }
  return {
    mchid: env.WECHATPAY_MCHID,
    appid: env.WECHATPAY_APPID!,
    merchantSerial: env.WECHATPAY_MERCHANT_SERIAL!.toUpperCase(),
    privateKey: pemOrFile("WECHATPAY_PRIVATE_KEY", env.WECHATPAY_PRIVATE_KEY!),
    apiV3Key: env.WECHATPAY_API_V3_KEY!,
    platformKeys,
    baseUrl: env.WECHATPAY_BASE_URL,
    notifyUrl: notifyUrl("wechat"),
    timeoutMs: env.PAYMENT_PROVIDER_TIMEOUT_MS,
    transferSceneId: env.WECHATPAY_TRANSFER_SCENE_ID,
  };
}

/** Alipay's configuration from the environment, or null when it is not configured. */
export function alipayConfigFromEnv(): AlipayConfig | null {
  if (!env.ALIPAY_APP_ID) return null;
  const certs =
    env.ALIPAY_APP_CERT && env.ALIPAY_PUBLIC_CERT && env.ALIPAY_ROOT_CERT
      ? {
          app: pemOrFile("ALIPAY_APP_CERT", env.ALIPAY_APP_CERT),
          alipayPublic: pemOrFile("ALIPAY_PUBLIC_CERT", env.ALIPAY_PUBLIC_CERT),
          alipayRoot: pemOrFile("ALIPAY_ROOT_CERT", env.ALIPAY_ROOT_CERT),
        }
      : undefined;
  return {
    appId: env.ALIPAY_APP_ID,
    privateKey: pemOrFile("ALIPAY_PRIVATE_KEY", env.ALIPAY_PRIVATE_KEY!),
    alipayPublicKey: env.ALIPAY_PUBLIC_KEY ? pemOrFile("ALIPAY_PUBLIC_KEY", env.ALIPAY_PUBLIC_KEY) : undefined,
    certs,
    gateway: env.ALIPAY_GATEWAY,
    notifyUrl: notifyUrl("alipay"),
    timeoutMs: env.PAYMENT_PROVIDER_TIMEOUT_MS,
  };
}
