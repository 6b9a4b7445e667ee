import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { inTransaction } from "@/db/transaction";
import { DomainError } from "@/lib/errors";
import { payoutProviderId } from "@/lib/payments";
import { exchangeWechatCode, wechatAuthorizeUrl, wechatOAuthCallbackUrl, wechatOAuthConfig, type WechatOAuthConfig } from "@/lib/payments/wechat-oauth";
import { bindWechatAccount, type BoundAccount } from "./payout-accounts";

/** The cookie that carries the OAuth `state` from the start to the callback (CSRF: the callback must come from our own start). */
export const WECHAT_STATE_COOKIE = "fl_wx_oauth_state";
export const WECHAT_STATE_MAX_AGE_S = 600;
/** Where to send the customer after binding (a checkout waiting for the openid), kept beside the state. */
export const WECHAT_NEXT_COOKIE = "fl_wx_oauth_next";

/** The pages binding may return to: a checkout's pay page, or the wallet. Anything else is dropped (no open redirect). */
export function bindingReturnPath(next: string | null | undefined): string | null {
  return next && /^\/pay\/FL\d{6}[2-9A-Z]{8}$/.test(next) ? next : null;
}

/** WeChat's OAuth as configured, when a customer can bind WeChat here (WeChat Pay with its app secret), else null. */
function bindingConfig(): WechatOAuthConfig | null {
  return payoutProviderId("wechat") === "wechat" ? wechatOAuthConfig() : null;
}

/** Whether a customer can bind WeChat here. */
export function wechatBindingAvailable(): boolean {
  return bindingConfig() !== null;
}

/** Starts binding: a fresh `state` (kept in a cookie by the caller) and WeChat's authorize address. Tests pass a config that reaches a fake. */
export function startWechatBinding(cfg: WechatOAuthConfig | null = bindingConfig(), callbackUrl = wechatOAuthCallbackUrl()): { state: string; url: string } {
  if (!cfg) throw new DomainError("not_allowed", "payout.wechatOff");
  const state = randomBytes(16).toString("hex");
  return { state, url: wechatAuthorizeUrl(cfg, callbackUrl, state) };
}

function sameState(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^[0-9a-f]{32}$/.test(a)) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Finishes binding at our callback: the `state` WeChat returned must be the one in the customer's
 * cookie (else another site started this, or the link was opened elsewhere), then the code is
 * exchanged for the openid (no transaction is open during that call) and bound to the customer.
 */
export async function finishWechatBinding(
  args: { userId: number; code: string | null; state: string | null; cookieState: string | undefined },
  cfg: WechatOAuthConfig | null = bindingConfig(),
): Promise<BoundAccount> {
  if (!cfg) throw new DomainError("not_allowed", "payout.wechatOff");
  if (!sameState(args.cookieState, args.state ?? undefined)) throw new DomainError("forbidden", "payout.wechatState");
  // The customer declined, or WeChat sent no code.
  if (!args.code || !/^[0-9A-Za-z_-]{1,128}$/.test(args.code)) throw new DomainError("invalid_input", "payout.wechatFailed");
  const openid = await exchangeWechatCode(cfg, args.code);
  return inTransaction((tx) => bindWechatAccount(tx, args.userId, openid));
}
