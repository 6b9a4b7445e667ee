import "server-only";
import { z } from "zod";
import { env, publicUrl } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { log } from "@/lib/observability/log";

/**
 * WeChat's web OAuth, silent scope (snsapi_base), inside WeChat's browser: we send the customer to
 * WeChat's authorize page with our app id, our callback and a `state`; WeChat sends them back with
 * a `code`, which our server exchanges at sns/oauth2/access_token (with the app secret) for the
 * customer's openid under our app id. That openid is where a 商家转账 withdrawal goes, and what a
 * JSAPI payment inside WeChat needs.
 */
export type WechatOAuthConfig = { appid: string; secret: string; oauthBaseUrl: string; apiBaseUrl: string; timeoutMs: number };

/** The configuration from the environment, or null when WeChat Pay or its app secret is not configured. */
export function wechatOAuthConfig(): WechatOAuthConfig | null {
  if (!env.WECHATPAY_MCHID || !env.WECHATPAY_APPID || !env.WECHATPAY_APP_SECRET) return null;
  return {
    appid: env.WECHATPAY_APPID,
    secret: env.WECHATPAY_APP_SECRET,
    oauthBaseUrl: env.WECHAT_OAUTH_BASE_URL,
    apiBaseUrl: env.WECHAT_API_BASE_URL,
    timeoutMs: env.PAYMENT_PROVIDER_TIMEOUT_MS,
  };
}

/** Our callback, which WeChat redirects back to (its domain must be the app's 网页授权域名). */
export function wechatOAuthCallbackUrl(): string {
  return `${publicUrl()}/me/wallet/wechat/callback`;
}

/** The authorize page's address. The `#wechat_redirect` fragment is part of WeChat's documented form. */
export function wechatAuthorizeUrl(cfg: WechatOAuthConfig, redirectUri: string, state: string): string {
  const u = new URL("connect/oauth2/authorize", cfg.oauthBaseUrl);
  // WeChat checks the parameters' order.
  u.search = new URLSearchParams({ appid: cfg.appid, redirect_uri: redirectUri, response_type: "code", scope: "snsapi_base", state }).toString();
  return `${u.toString()}#wechat_redirect`;
}

const answerSchema = z.union([
  z.object({ openid: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/), access_token: z.string().optional(), scope: z.string().optional() }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
]);

/**
 * Exchanges an authorization code for the customer's openid. A refused code (WeChat's errcode,
 * e.g. 40029 invalid code, 40163 code used) is the customer's to retry: DomainError. No answer or
 * a 5xx is "unavailable". The secret goes only in the request to WeChat, never in an error or log.
 */
export async function exchangeWechatCode(cfg: WechatOAuthConfig, code: string): Promise<string> {
  const u = new URL("sns/oauth2/access_token", cfg.apiBaseUrl);
  u.search = new URLSearchParams({ appid: cfg.appid, secret: cfg.secret, code, grant_type: "authorization_code" }).toString();
  let res: Response;
  try {
    res = await fetch(u, { signal: AbortSignal.timeout(cfg.timeoutMs) });
  } catch {
    throw new DomainError("unavailable", "payout.wechatFailed");
  }
  if (!res.ok) throw new DomainError("unavailable", "payout.wechatFailed");
  const parsed = answerSchema.safeParse(await res.json().catch(() => null));
  if (!parsed.success || !("openid" in parsed.data)) {
    if (parsed.success) log.warn({ errcode: (parsed.data as { errcode: number }).errcode }, "wechat oauth: code refused");
    throw new DomainError("invalid_input", "payout.wechatFailed");
  }
  return parsed.data.openid;
}
