import "server-only";
import type { Agent } from "node:http";
import * as tencentSms from "tencentcloud-sdk-nodejs-sms";
import type { SmsMessage, SmsProvider, SmsResult, SmsTemplate } from "../provider";

export type TencentSmsConfig = {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  /** Approved template ids by template name; a name without one is not sent. */
  templates: Partial<Record<SmsTemplate, string>>;
  region: string;
  /** Only the test's fake server changes these (the API's host, scheme and a connection agent). */
  endpoint?: string;
  protocol?: "https://" | "http://";
  agent?: Agent;
  timeoutSeconds?: number;
};

const SmsClient = tencentSms.sms.v20210111.Client;

/**
 * Codes of SendStatusSet that will not change by asking again (a bad number, a template or
 * signature problem, a number that opted out): the message is given up. Anything else (rate limits,
 * an internal error) is thrown so the job tries again later.
 * https://cloud.tencent.com/document/product/382/55981 lists them.
 */
const FINAL = /^(InvalidParameterValue|FailedOperation\.(PhoneNumberInBlacklist|PhoneNumberOnBlacklist|TemplateIncorrectOrUnapproved|SignatureIncorrectOrUnapproved|MissingTemplateToModify|ContainSensitiveWord|ContentLengthLimit)|UnauthorizedOperation|UnsupportedOperation)/;

/** Tencent Cloud SMS (SendSms, API 2021-01-11) through its SDK, signed TC3-HMAC-SHA256. */
export function tencentSmsProvider(config: TencentSmsConfig): SmsProvider {
  const client = new SmsClient({
    credential: { secretId: config.secretId, secretKey: config.secretKey },
    region: config.region,
    profile: {
      httpProfile: {
        endpoint: config.endpoint ?? "sms.tencentcloudapi.com",
        protocol: config.protocol ?? "https://",
        reqTimeout: config.timeoutSeconds ?? 10,
        ...(config.agent ? { agent: config.agent } : {}),
      },
    },
  });
  return {
    id: "tencent",
    async send(message: SmsMessage): Promise<SmsResult> {
      const templateId = config.templates[message.template];
      if (!templateId) return { state: "no_template" };
      let res;
      try {
        res = await client.SendSms({
          PhoneNumberSet: [`+86${message.phone}`],
          SmsSdkAppId: config.sdkAppId,
          SignName: config.signName,
          TemplateId: templateId,
          TemplateParamSet: message.params,
        });
      } catch (e) {
        const code = (e as { code?: string }).code ?? "";
        if (FINAL.test(code)) return { state: "refused", reason: `${code}: ${(e as Error).message}`.slice(0, 300) };
        throw e;
      }
      const status = res.SendStatusSet?.[0];
      if (!status) throw new Error("Tencent Cloud SMS answered without a send status");
      if (status.Code === "Ok") return { state: "sent", providerRef: status.SerialNo ?? res.RequestId ?? "" };
      if (FINAL.test(status.Code ?? "")) return { state: "refused", reason: `${status.Code}: ${status.Message ?? ""}`.slice(0, 300) };
      throw new Error(`Tencent Cloud SMS did not send: ${status.Code} ${status.Message ?? ""}`);
    },
  };
}
