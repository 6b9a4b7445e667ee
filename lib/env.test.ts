import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

const production = { NODE_ENV: "production", PUBLIC_URL: "https://shop.example" };
const problem = (source: Record<string, string | undefined>): string => {
  try {
    parseEnv(source);
    return "";
  } catch (e) {
    return (e as Error).message;
  }
};

describe("parseEnv", () => {
  it("requires PUBLIC_URL when serving in production, not while building nor outside production", () => {
    expect(problem({ NODE_ENV: "production" })).toMatch(/PUBLIC_URL: required in production/);
    expect(problem({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })).toBe("");
    expect(problem({ NODE_ENV: "development" })).toBe("");
    expect(problem({ NODE_ENV: "test" })).toBe("");
    expect(parseEnv(production).PUBLIC_URL).toBe("https://shop.example");
  });

  it("keeps PUBLIC_URL to an http(s) origin", () => {
    expect(parseEnv({ ...production, PUBLIC_URL: "https://shop.example/" }).PUBLIC_URL).toBe("https://shop.example");
    expect(parseEnv({ ...production, PUBLIC_URL: "http://localhost:3000" }).PUBLIC_URL).toBe("http://localhost:3000");
    for (const bad of ["shop.example", "ftp://shop.example", "https://shop.example/app", "https://shop.example/?x=1", "https://user:pw@shop.example", "javascript:alert(1)"]) {
      expect(problem({ ...production, PUBLIC_URL: bad }), bad).toMatch(/PUBLIC_URL: /);
    }
  });

  it("refuses an AUTH_URL that disagrees with PUBLIC_URL", () => {
    expect(problem({ ...production, AUTH_URL: "https://evil.example" })).toMatch(/AUTH_URL: must be unset or equal to PUBLIC_URL/);
    expect(problem({ ...production, AUTH_URL: "https://shop.example/" })).toBe("");
  });

  it("refuses to start a production server with the broken-drain test switch, in one sentence", () => {
    const message = problem({ ...production, FREELINE_TEST_BROKEN_DRAIN: "skip-lock" });
    expect(message).toMatch(/FREELINE_TEST_BROKEN_DRAIN: this test-only switch drops the queue lock, so a production server \(NODE_ENV=production\) refuses to start with it set; unset it/);
    // Also while building for production, and whatever else is right.
    expect(problem({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build", FREELINE_TEST_BROKEN_DRAIN: "skip-lock" })).toMatch(/FREELINE_TEST_BROKEN_DRAIN/);
    // The chaos run's broken instances and the vitest proof run it under NODE_ENV=test.
    expect(parseEnv({ NODE_ENV: "test", FREELINE_TEST_BROKEN_DRAIN: "skip-lock" }).FREELINE_TEST_BROKEN_DRAIN).toBe("skip-lock");
  });

  it("refuses WeChat's app secret without WeChat Pay, in one sentence, and checks its form", () => {
    expect(problem({ NODE_ENV: "test", WECHATPAY_APP_SECRET: "0123456789abcdef0123456789abcdef" })).toMatch(
      /WECHATPAY_APP_SECRET: WECHATPAY_APP_SECRET is WeChat Pay's app secret: configure WeChat Pay \(WECHATPAY_MCHID, WECHATPAY_APPID, …\) as well, or unset it\./,
    );
    expect(problem({ NODE_ENV: "test", WECHATPAY_APP_SECRET: "not a secret!" })).toMatch(/WECHATPAY_APP_SECRET: the app id's AppSecret/);
    // The value itself is never echoed.
    expect(problem({ NODE_ENV: "test", WECHATPAY_APP_SECRET: "0123456789abcdef0123456789abcdef" })).not.toContain("0123456789abcdef");
    expect(parseEnv({ NODE_ENV: "test" })).toMatchObject({ WECHAT_OAUTH_BASE_URL: "https://open.weixin.qq.com/", WECHAT_API_BASE_URL: "https://api.weixin.qq.com/" });
  });
});
