import { NextResponse } from "next/server";
import { publicUrl } from "@/lib/env";
import { withAuth } from "@/lib/http/route";
import { bindingReturnPath, startWechatBinding, WECHAT_NEXT_COOKIE, WECHAT_STATE_COOKIE, WECHAT_STATE_MAX_AGE_S } from "@/lib/wallet/wechat-binding";

/**
 * Starts binding the customer's WeChat (inside WeChat's browser): sends them to WeChat's authorize
 * page with a fresh `state`, kept in a short-lived cookie that only the callback reads.
 */
export const GET = withAuth({ allow: ["customer-session", "merchant-session", "operator-session"] }, async (req) => {
  const { state, url } = startWechatBinding();
  const res = NextResponse.redirect(url, 302);
  const cookie = {
    httpOnly: true,
    // WeChat's redirect back is a top-level GET from another site: Lax sends the cookie with it.
    sameSite: "lax" as const,
    secure: publicUrl().startsWith("https://"),
    path: "/me/wallet/wechat",
    maxAge: WECHAT_STATE_MAX_AGE_S,
  };
  res.cookies.set(WECHAT_STATE_COOKIE, state, cookie);
  // A checkout inside WeChat sends the customer here first (JSAPI needs the openid), then back to pay.
  const next = bindingReturnPath(req.nextUrl.searchParams.get("next"));
  if (next) res.cookies.set(WECHAT_NEXT_COOKIE, next, cookie);
  res.headers.set("Cache-Control", "no-store");
  return res;
});
