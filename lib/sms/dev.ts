import "server-only";
import type { SmsMessage, SmsProvider, SmsResult } from "./provider";
import { log } from "@/lib/observability/log";

/** The messages the dev provider has "sent" in this process, newest last (bounded). */
const outbox: (SmsMessage & { at: Date })[] = [];
const KEEP = 200;

/**
 * The development provider: nothing leaves the machine. Each message is written to the server log
 * whole (a verification code included: that is how a developer reads it) and kept in memory, where
 * tests read it. Never configured with real customers in mind: SMS_PROVIDER=tencent is.
 */
export const devSms: SmsProvider = {
  id: "dev",
  async send(message: SmsMessage): Promise<SmsResult> {
    outbox.push({ ...message, at: new Date() });
    if (outbox.length > KEEP) outbox.splice(0, outbox.length - KEEP);
    log.info({ phone: message.phone, template: message.template, params: message.params }, "sms (dev provider): not sent, logged");
    return { state: "sent", providerRef: `dev-${outbox.length}-${Date.now()}` };
  },
};

/** The dev provider's messages to one number, oldest first. */
export function devSmsSentTo(phone: string): readonly (SmsMessage & { at: Date })[] {
  return outbox.filter((m) => m.phone === phone);
}
