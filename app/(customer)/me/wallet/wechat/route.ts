import { NextResponse } from "next/server";
import { publicUrl } from "@/lib/env";
import { withAuth } from "@/lib/http/route";
import { startWechatBinding, WECHAT_STATE_COOKIE, WECHAT_STATE_MAX_AGE_S } from "@/lib/wallet/wechat-binding";

/**
 * Starts binding the customer's WeChat (inside WeChat's browser): sends them to WeChat's authorize
 * page with a fresh `state`, kept in a short-lived cookie that only the callback reads.
 */
export const GET = withAuth({ allow: ["customer-session", "merchant-session", "operator-session"] }, async () => {
  const { state, url } = startWechatBinding();
  const res = NextResponse.redirect(url, 302);
  res.cookies.set(WECHAT_STATE_COOKIE, state, {
    httpOnly: true,
    // WeChat's redirect back is a top-level GET from another site: Lax sends the cookie with it.
    sameSite: "lax",
    secure: publicUrl().startsWith("https://"),
    path: "/me/wallet/wechat",
    maxAge: WECHAT_STATE_MAX_AGE_S,
  });
  res.headers.set("Cache-Control", "no-store");
  return res;
});
