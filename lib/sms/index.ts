import "server-only";
import { env } from "@/lib/env";
import { devSms } from "./dev";
import { SMS_TEMPLATES, type SmsProvider, type SmsTemplate } from "./provider";
import { tencentSmsProvider } from "./tencent/adapter";

export { MAINLAND_PHONE, SMS_TEMPLATES, type SmsMessage, type SmsProvider, type SmsResult, type SmsTemplate } from "./provider";
export { devSmsSentTo } from "./dev";

/** `entry_freed=1234567,verify_code=1234568` → { entry_freed: "1234567", … }; unknown names are refused. */
export function parseTemplateIds(text: string): Partial<Record<SmsTemplate, string>> {
  const out: Partial<Record<SmsTemplate, string>> = {};
  for (const pair of text.split(",")) {
    const [name, id] = pair.split("=") as [string, string];
    if (!(SMS_TEMPLATES as readonly string[]).includes(name)) {
      throw new Error(`TENCENT_SMS_TEMPLATES names ${name}, which is none of ${SMS_TEMPLATES.join(", ")}`);
    }
    out[name as SmsTemplate] = id;
  }
  return out;
}

let configured: SmsProvider | undefined;

/** The configured provider (SMS_PROVIDER; lib/env.ts refuses a half-configured one). */
export function smsProvider(): SmsProvider {
  if (configured) return configured;
  if (env.SMS_PROVIDER === "tencent") {
    configured = tencentSmsProvider({
      secretId: env.TENCENT_SMS_SECRET_ID!,
      secretKey: env.TENCENT_SMS_SECRET_KEY!,
      sdkAppId: env.TENCENT_SMS_SDK_APP_ID!,
      signName: env.TENCENT_SMS_SIGN_NAME!,
      templates: parseTemplateIds(env.TENCENT_SMS_TEMPLATES!),
      region: env.TENCENT_SMS_REGION,
    });
  } else {
    configured = devSms;
  }
  return configured;
}
