import { NextResponse, type NextRequest } from "next/server";
import { publicUrl } from "@/lib/env";
import { isDomainError } from "@/lib/errors";
import { withAuth } from "@/lib/http/route";
import { bindingReturnPath, finishWechatBinding, WECHAT_NEXT_COOKIE, WECHAT_STATE_COOKIE } from "@/lib/wallet/wechat-binding";

/** Where the customer lands after binding: the checkout that sent them, or the wallet with the outcome for its message. */
function back(outcome: "wechat-bound" | "wechat-failed" | "wechat-state", next: string | null = null): NextResponse {
  const res = NextResponse.redirect(`${publicUrl()}${outcome === "wechat-bound" && next ? next : `/me/wallet?bind=${outcome}`}`, 303);
  // The state is single-use, whatever happened.
  res.cookies.set(WECHAT_STATE_COOKIE, "", { path: "/me/wallet/wechat", maxAge: 0 });
  res.cookies.set(WECHAT_NEXT_COOKIE, "", { path: "/me/wallet/wechat", maxAge: 0 });
  res.headers.set("Cache-Control", "no-store");
  return res;
}

/**
 * WeChat's OAuth redirects the customer here with `code` and `state`. The state must match the
 * customer's cookie (CSRF); the code is exchanged for the openid, which is bound to the customer
 * signed in (the id comes from the session, never from the request).
 */
export const GET = withAuth({ allow: ["customer-session", "merchant-session", "operator-session"] }, async (req: NextRequest, ctx) => {
  const q = req.nextUrl.searchParams;
  try {
    await finishWechatBinding({
      userId: ctx.viewer!.userId,
      code: q.get("code"),
      state: q.get("state"),
      cookieState: req.cookies.get(WECHAT_STATE_COOKIE)?.value,
    });
    return back("wechat-bound", bindingReturnPath(req.cookies.get(WECHAT_NEXT_COOKIE)?.value));
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return back(e.message === "payout.wechatState" ? "wechat-state" : "wechat-failed");
  }
});
