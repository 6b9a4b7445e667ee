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

  it("traces: off by default, an endpoint and headers checked, only OTLP/HTTP JSON", () => {
    expect(parseEnv(production).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseEnv({ ...production, OTEL_EXPORTER_OTLP_ENDPOINT: "" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseEnv({ ...production, OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://collector:4318");
    expect(problem({ ...production, OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(problem({ ...production, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL: only http\/json is supported/);
    expect(problem({ ...production, OTEL_EXPORTER_OTLP_HEADERS: "api-key=abc,x-team=ops" })).toBe("");
    expect(problem({ ...production, OTEL_EXPORTER_OTLP_HEADERS: "not a header" })).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/);
    expect(problem({ ...production, OTEL_TRACES_SAMPLER_ARG: "1.5" })).toMatch(/OTEL_TRACES_SAMPLER_ARG/);
  });

  it("the SIGTERM drain must end before the shutdown bound", () => {
    expect(parseEnv(production).SHUTDOWN_DRAIN_MS).toBe(0);
    expect(problem({ ...production, SHUTDOWN_DRAIN_MS: "5000", SHUTDOWN_TIMEOUT_MS: "25000" })).toBe("");
    expect(problem({ ...production, SHUTDOWN_DRAIN_MS: "25000", SHUTDOWN_TIMEOUT_MS: "25000" })).toMatch(/SHUTDOWN_DRAIN_MS: must be shorter than SHUTDOWN_TIMEOUT_MS/);
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

  it("refuses Web Push and Tencent SMS when half-configured, naming what is missing", () => {
    const vapid = { VAPID_PUBLIC_KEY: "B".repeat(87), VAPID_PRIVATE_KEY: "k".repeat(43), VAPID_SUBJECT: "mailto:ops@shop.example" };
    expect(problem({ ...production, ...vapid })).toBe("");
    expect(problem({ ...production, VAPID_PUBLIC_KEY: vapid.VAPID_PUBLIC_KEY })).toMatch(/Web Push is half-configured/);
    expect(problem({ ...production, ...vapid, VAPID_SUBJECT: undefined })).toMatch(/Web Push is half-configured/);
    const sms = {
      SMS_PROVIDER: "tencent",
      TENCENT_SMS_SECRET_ID: "AKIDexample",
      TENCENT_SMS_SECRET_KEY: "secret",
      TENCENT_SMS_SDK_APP_ID: "1400000000",
      TENCENT_SMS_SIGN_NAME: "免单排队",
      TENCENT_SMS_TEMPLATES: "entry_freed=100001,verify_code=100002",
    };
    expect(problem({ ...production, ...sms })).toBe("");
    expect(problem({ ...production, ...sms, TENCENT_SMS_SECRET_KEY: undefined })).toMatch(/SMS is half-configured: set TENCENT_SMS_SECRET_KEY/);
    expect(problem({ ...production, SMS_PROVIDER: "tencent" })).toMatch(/SMS is half-configured/);
    expect(problem({ ...production, TENCENT_SMS_SECRET_ID: "AKIDexample" })).toMatch(/SMS is half-configured/);
    expect(problem({ ...production, ...sms, SMS_PROVIDER: undefined })).toMatch(/SMS_PROVIDER: .*set SMS_PROVIDER=tencent/);
    expect(problem({ ...production, ...sms, TENCENT_SMS_TEMPLATES: "entry_freed" })).toMatch(/TENCENT_SMS_TEMPLATES/);
    // No value is echoed back.
    expect(problem({ ...production, ...sms, TENCENT_SMS_SECRET_ID: undefined })).not.toContain("secret");
  });
});
